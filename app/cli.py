"""Flask commands: ``flask users create-admin`` and ``flask seed demo``."""
from __future__ import annotations

from datetime import date

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from app.clock import today as local_today
from models import User, db
from services import accounts
from services.errors import RuleViolation
from services.seed import demo

users_cli = AppGroup("users", help="Gebruikersaccounts.")
seed_cli = AppGroup("seed", help="Voorbeeldgegevens.")


@users_cli.command("create-admin")
@click.option("--email", prompt="E-mailadres")
@click.option("--name", prompt="Naam")
@click.password_option("--password", prompt="Wachtwoord")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account (the first account of a new installation)."""
    try:
        user = accounts.save_user(db.session, None, email=email, name=name, password=password,
                                  is_admin=True, active=True, actor_id=None)
        db.session.commit()
    except RuleViolation as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(f"Beheerder {user.email} is aangemaakt.")


@seed_cli.command("demo")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Reference date for the demo history (default: today).")
@click.option("--if-empty", is_flag=True, help="Only seed a database without any account.")
def seed_demo_command(today, if_empty: bool) -> None:
    """Create the demo site Het Hofje with one account per role (idempotent)."""
    on: date = today.date() if today else local_today()
    password = current_app.config["DEMO_PASSWORD"]
    has_accounts = bool(db.session.scalar(sa.select(sa.func.count()).select_from(User)))
    if if_empty and has_accounts and not demo.demo_exists(db.session):
        click.echo("De database bevat al accounts; er zijn geen voorbeeldgegevens toegevoegd.")
        return
    if demo.seed_demo(db.session, today=on, password=password):
        db.session.commit()
        click.echo(f"Voorbeeldlocatie {demo.SITE_NAME} aangemaakt.")
    else:
        click.echo(f"De voorbeeldlocatie {demo.SITE_NAME} bestaat al.")
    click.echo(f"Demo-accounts (wachtwoord: {password}, tenzij gewijzigd):")
    for account in demo.demo_accounts():
        click.echo(f"  {account.role:<20} {account.email}")


def register(app: Flask) -> None:
    from app import jobs

    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    jobs.register(app)
