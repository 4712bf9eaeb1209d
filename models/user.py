"""User accounts (e-mail login) and their role memberships per site."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from models.base import UTCDateTime, db, utcnow
from models.enums import Role, enum_check
from models.organisation import Organisation
from models.site import Site


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (sa.UniqueConstraint("email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    locale: Mapped[Optional[str]] = mapped_column(sa.String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the login identity (get_id): raising it ends every session and remember
    # cookie of the account at once, on every worker and host (logout, a new password,
    # deactivation, the last role gone, "overal uitloggen").
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Two-factor authentication (TOTP, RFC 6238): the shared secret (base32), when the
    # person confirmed it with a code (until then it is a set-up in progress), and the
    # last time step whose code was accepted (a code works once).
    totp_secret: Mapped[Optional[str]] = mapped_column(sa.String(64))
    totp_confirmed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    # The last completed login and how: "password" or "sso:<provider key>" (the access
    # review per site shows both).
    last_login_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    last_login_method: Mapped[Optional[str]] = mapped_column(sa.String(40))
    # An administrator of one woningcorporatie: manages that corporation's sites (units,
    # parts, who has access, invitations to roles there) and nothing of other ones.
    admin_of_corporation_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organisations.id"))

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot log in
        return self.active

    def get_id(self) -> str:
        """Flask-Login's identity in the session: the id and the session generation, so
        a cookie from before :meth:`end_sessions` no longer loads the account."""
        return f"{self.id}:{self.session_generation or 0}"

    @property
    def has_second_factor(self) -> bool:
        """Whether a login asks for a code after the password."""
        return bool(self.totp_secret and self.totp_confirmed_at)

    def end_sessions(self) -> None:
        """End every session of this account (each one is checked on every request)."""
        self.session_generation = (self.session_generation or 0) + 1

    def set_password(self, password: str) -> None:
        """A new password ends the account's sessions (a captured cookie dies with it)."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(db.Model):
    """A role a user holds on one site. A begeleider belongs to one zorgaanbieder."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "site_id", "role"),
        enum_check("role", Role, "role_valid"),
        sa.CheckConstraint("role <> 'begeleider' OR organisation_id IS NOT NULL",
                           name="begeleider_has_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(32))
    organisation_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("organisations.id"))
    # When the role was given (unknown for roles from before this was kept) and the last
    # day it counts (a coach's contract); from the day after it gives no access.
    created_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime, default=utcnow)
    ends_on: Mapped[Optional[date]] = mapped_column(sa.Date)

    user: Mapped[User] = relationship(back_populates="memberships")

    def current(self, today: date) -> bool:
        """Whether the role still counts on ``today``."""
        return self.ends_on is None or today <= self.ends_on
    site: Mapped[Site] = relationship()
    organisation: Mapped[Optional[Organisation]] = relationship()


class RecoveryCode(db.Model):
    """A one-time code that stands in for the second factor (a lost phone). Only its
    SHA-256 hash is kept: the codes are random (about 50 bits each), so a slow password
    hash adds nothing."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class AccountInvitation(db.Model):
    """An invitation to make an account: the person sets their own password through a
    signed link that works once and expires. The link carries ``nonce``; sending the
    invitation again draws a new one, so an earlier link stops working."""

    __tablename__ = "account_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    invited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    nonce: Mapped[str] = mapped_column(sa.String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    times_sent: Mapped[int] = mapped_column(default=1, server_default="1")
    accepted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    withdrawn_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])
    roles: Mapped[list["InvitationRole"]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan",
        order_by="InvitationRole.id")

    def state(self, now: datetime) -> str:
        """"accepted", "withdrawn", "expired" or "pending"."""
        if self.accepted_at is not None:
            return "accepted"
        if self.withdrawn_at is not None:
            return "withdrawn"
        return "expired" if now >= self.expires_at else "pending"


class InvitationRole(db.Model):
    """A role the invited person will hold once they accept."""

    __tablename__ = "invitation_roles"
    __table_args__ = (
        sa.UniqueConstraint("invitation_id", "site_id", "role"),
        enum_check("role", Role, "role_valid"),
        sa.CheckConstraint("role <> 'begeleider' OR organisation_id IS NOT NULL",
                           name="begeleider_has_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("account_invitations.id"),
                                               index=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    role: Mapped[str] = mapped_column(sa.String(32))
    organisation_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("organisations.id"))
    # the last day the role will count (a contract's end), carried onto the membership
    ends_on: Mapped[Optional[date]] = mapped_column(sa.Date)

    invitation: Mapped[AccountInvitation] = relationship(back_populates="roles")
    site: Mapped[Site] = relationship()
    organisation: Mapped[Optional[Organisation]] = relationship()
