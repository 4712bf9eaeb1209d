"""The yearly community work plan (communitywerkplan) set by the kerngroep, with goals
grouped by the seven ingredients, and the collaboration agreement (samenwerkingsovereenkomst
or bestuurlijk akkoord) with what each party contributes per year (seed 004 "7. Financiering")."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.enums import enum_check
from models.governance import Body, BodyDecision
from models.organisation import Organisation
from models.user import User


class Ingredient(StrEnum):
    """The seven ingredients of Gemengd Wonen (004 "7 Ingrediënten"), in the seed's order."""

    COMMUNITY = "community"
    MIX = "mix"
    SAMENWERKING = "samenwerking"
    ONTMOETING = "ontmoeting"
    BEHEER = "beheer"
    GEBOUW = "gebouw"
    FINANCIERING = "financiering"


class Progress(StrEnum):
    NIET_GESTART = "niet_gestart"
    LOOPT = "loopt"
    GEREED = "gereed"
    VERVALLEN = "vervallen"


class AgreementKind(StrEnum):
    SAMENWERKINGSOVEREENKOMST = "samenwerkingsovereenkomst"
    BESTUURLIJK_AKKOORD = "bestuurlijk_akkoord"


class WorkPlan(db.Model):
    """One work plan per site per year; ``decision`` is the kerngroep's adoption."""

    __tablename__ = "gov_work_plans"
    __table_args__ = (sa.UniqueConstraint("site_id", "year"),
                      sa.CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    year: Mapped[int]
    decision_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("gov_decisions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decision: Mapped[Optional[BodyDecision]] = relationship()
    goals: Mapped[list["WorkPlanGoal"]] = relationship(
        back_populates="plan", order_by="WorkPlanGoal.id")


class WorkPlanGoal(db.Model):
    __tablename__ = "gov_work_plan_goals"
    __table_args__ = (enum_check("ingredient", Ingredient, "ingredient_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_work_plans.id"), index=True)
    ingredient: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.String(500))

    plan: Mapped[WorkPlan] = relationship(back_populates="goals")
    actions: Mapped[list["WorkPlanAction"]] = relationship(
        back_populates="goal", order_by="(WorkPlanAction.due_on, WorkPlanAction.id)")


class WorkPlanAction(db.Model):
    __tablename__ = "gov_work_plan_actions"
    __table_args__ = (enum_check("progress", Progress, "progress_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_work_plan_goals.id"), index=True)
    text: Mapped[str] = mapped_column(sa.String(500))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    due_on: Mapped[date]
    progress: Mapped[str] = mapped_column(sa.String(16), default=Progress.NIET_GESTART)
    progress_note: Mapped[Optional[str]] = mapped_column(sa.String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[WorkPlanGoal] = relationship(back_populates="actions")
    owner: Mapped[User] = relationship()


class CollaborationAgreement(db.Model):
    """The multi-year agreement behind a body (normally the stuurgroep), so it covers the
    body's sites. The seed advises 5-10 years; a shorter or longer term is a signal only."""

    __tablename__ = "gov_agreements"
    __table_args__ = (
        enum_check("kind", AgreementKind, "kind_valid"),
        sa.CheckConstraint("ends_on > starts_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_bodies.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[Optional[str]] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship()
    parties: Mapped[list["AgreementParty"]] = relationship(
        back_populates="agreement", order_by="AgreementParty.id")


class AgreementParty(db.Model):
    """A party's yearly contribution in money and/or hours; ``until_on`` marks temporary
    money (a subsidy or project budget) that runs out before the agreement does."""

    __tablename__ = "gov_agreement_parties"
    __table_args__ = (
        sa.UniqueConstraint("agreement_id", "organisation_id"),
        sa.CheckConstraint("money_per_year IS NOT NULL OR hours_per_year IS NOT NULL",
                           name="contributes"),
        sa.CheckConstraint("money_per_year IS NULL OR money_per_year >= 0",
                           name="money_positive"),
        sa.CheckConstraint("hours_per_year IS NULL OR hours_per_year >= 0",
                           name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_agreements.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    contribution: Mapped[Optional[str]] = mapped_column(sa.String(300))
    money_per_year: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(12, 2))
    hours_per_year: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(8, 1))
    until_on: Mapped[Optional[date]]

    agreement: Mapped[CollaborationAgreement] = relationship(back_populates="parties")
    organisation: Mapped[Organisation] = relationship()
