from aftersales.core.models.base import ChangeStamp, Counter, IdempotencyRecord, Region
from aftersales.core.models.outbox import OutboxMessage, SmsLog

__all__ = ["ChangeStamp", "Counter", "IdempotencyRecord", "OutboxMessage", "Region", "SmsLog"]
