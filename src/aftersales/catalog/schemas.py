"""API schemas of the catalogue: product lines and models, fault categories with guided questions."""

from ninja import Field, Schema

from aftersales.api.schemas import QueryId, Ref, Text
from aftersales.catalog.models import Priority


class ProductLineOut(Schema):
    id: int
    code: str
    name: str


class ProductModelOut(Schema):
    id: int
    code: str
    name: str
    product_line: Ref
    warranty_months: int
    is_active: bool


class ProductModelFilter(Schema):
    product_line_id: QueryId | None = None
    q: Text(64) = Field("", description="Substring of the model number or name.")
    include_inactive: bool = False


class GuidedQuestionOut(Schema):
    id: int
    text: str
    position: int


class FaultCategoryOut(Schema):
    id: int
    code: str
    name: str
    product_line_id: int | None = Field(description="Empty: applies to every product line.")
    default_priority: Priority = Field(description="The priority proposed at intake (R-3.3).")
    questions: list[GuidedQuestionOut] = Field(description="Follow-up questions for the agent (R-2.3).")

    @staticmethod
    def resolve_questions(obj: object) -> list[object]:
        return list(obj.questions.all())  # type: ignore[attr-defined]


class FaultCategoryFilter(Schema):
    product_line_id: QueryId | None = Field(None, description="Categories of this line and those of every line.")
