from aftersales.core.models.base import Counter, IdempotencyRecord, Region
from aftersales.core.models.outbox import OutboxMessage, SmsLog

__all__ = ["Counter", "IdempotencyRecord", "OutboxMessage", "Region", "SmsLog"]
