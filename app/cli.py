"""Flask commands: ``flask users create-admin``, ``flask seed demo`` and ``flask seed scale``."""
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


@seed_cli.command("scale")
@click.option("--sites", type=click.IntRange(1, 2000), default=100, show_default=True)
@click.option("--years", type=click.IntRange(1, 30), default=5, show_default=True)
@click.option("--seed", "seed_value", type=int, default=1, show_default=True,
              help="Seed of the random generator (the same seed gives the same data).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Reference date of the history (default: today).")
def seed_scale_command(sites: int, years: int, seed_value: int, today) -> None:
    """Generate a corporation-sized dataset with bulk inserts (for benchmarks)."""
    from services.seed import scale

    on: date = today.date() if today else local_today()
    click.echo(f"Schaalgegevens: {sites} locaties, {years} jaar tot {on}, seed {seed_value}")
    result = scale.seed_scale(db.session, sites=sites, years=years, seed=seed_value, today=on,
                              password=current_app.config["DEMO_PASSWORD"], progress=click.echo)
    db.session.commit()
    # a bulk load leaves the query planner without statistics (PostgreSQL's autovacuum
    # gets to it minutes later, SQLite never): gather them now, as after any restore
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    for table, count in result.counts.items():
        click.echo(f"  {table:<28} {count:>9,}")
    click.echo(f"  {'total':<28} {sum(result.counts.values()):>9,} rows in "
               f"{result.seconds:.1f} s")
    for email, what in result.accounts:
        click.echo(f"  account {email} ({what})")


def register(app: Flask) -> None:
    from app import jobs, require_serving

    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    jobs.register(app)
    # these invite, seed, run the jobs and the scheduler: they make links and send mail
    for command in (users_cli, seed_cli, jobs.jobs_cli, jobs.scheduler_cli):
        require_serving(command)
