"""ORM models, one module per aggregate. Importing this package registers every table."""

from app.models.council import Council
from app.models.user import LoginThrottle, Membership, PartnerAgency, Role, User

__all__ = ["Council", "LoginThrottle", "Membership", "PartnerAgency", "Role", "User"]
