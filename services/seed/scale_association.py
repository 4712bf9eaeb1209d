"""The scale seed's woonverenigingen: per site its settings and default categories, member
households (one per stay, for most stays), a yearly contribution with its dues, payments
that book themselves into the cash book (category ``contributie``), the monthly coffee
money and activity expenses against a yearly budget."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from services.association.books import CONTRIBUTIE, DEFAULT_CATEGORIES
from services.seed.scale import SiteInfo, World, Writer, at

AMOUNTS = (Decimal(24), Decimal(36), Decimal(48))


def generate(w: Writer, world: World) -> None:
    for site in world.sites:
        categories = _books(w, world, site)
        budgets = {year: w.add("assoc_budgets", association_id=site.association_id,
                               year=year, name="Activiteiten", commission_id=None,
                               amount=Decimal(1500))
                   for year in range(site.project_start.year, world.today.year + 1)}
        schemes = {year: (w.add("assoc_schemes", association_id=site.association_id,
                                year=year, amount=amount, frequency="jaar", note=None,
                                created_at=at(date(year, 1, 2)),
                                created_by_id=world.user("bestuur")), amount)
                   for year in budgets for amount in [world.rng.choice(AMOUNTS)]}
        _members(w, world, site, schemes, categories)
        _monthly(w, world, site, categories, budgets)


def _books(w: Writer, world: World, site: SiteInfo) -> dict[str, int]:
    w.add("assoc_settings", association_id=site.association_id,
          books_start=site.project_start, opening_bank=Decimal(500), opening_cash=Decimal(50),
          iban="NL91ABNA0417164300", payment_term_days=30, updated_at=None,
          updated_by_id=None)
    return {key: w.add("assoc_categories", association_id=site.association_id, name=name,
                       kind=kind, key=key, position=n)
            for n, (kind, key, name) in enumerate(DEFAULT_CATEGORIES)}


def _members(w: Writer, world: World, site: SiteInfo, schemes: dict,
             categories: dict[str, int]) -> None:
    rng, today, number = world.rng, world.today, 0
    for rid, unit_id, _part, move_in, move_out, _statuses in site.stays:
        starts = move_in + timedelta(days=rng.randint(0, 60))
        if rng.random() > 0.7 or starts >= today or (move_out and move_out < starts):
            continue
        number += 1
        member = w.add("assoc_members", association_id=site.association_id, number=number,
                       unit_id=unit_id, resident_id=rid, starts_on=starts, ends_on=move_out,
                       end_reason="verhuisd" if move_out else None, created_at=at(starts),
                       created_by_id=world.user("bestuur"))
        last = move_out or today
        for year in range(starts.year, last.year + 1):
            scheme, amount = schemes[year]
            period_start = max(date(year, 1, 1), starts)
            due_on = period_start + timedelta(days=30)
            w.add("assoc_dues", member_id=member, scheme_id=scheme, period_start=period_start,
                  period_end=date(year + 1, 1, 1), due_on=due_on, amount=amount,
                  reduction_id=None, created_at=at(period_start), cancelled_at=None,
                  cancelled_by_id=None, cancel_reason=None)
            if due_on < today and rng.random() < 0.92:
                paid = due_on - timedelta(days=rng.randint(0, 25))
                method = rng.choice(("overboeking", "incasso", "contant"))
                payment = w.add("assoc_payments", member_id=member, paid_on=paid, amount=amount,
                                method=method, note=None, bank_line_id=None,
                                corrects_payment_id=None, created_at=at(paid),
                                created_by_id=world.user("bestuur"))
                w.add("assoc_cash_entries", association_id=site.association_id, booked_on=paid,
                      account="kas" if method == "contant" else "bank",
                      category_id=categories[CONTRIBUTIE], amount=amount,
                      description=f"Contributie lid {number}", budget_id=None, grant_id=None,
                      payment_id=payment, bank_line_id=None, corrects_entry_id=None,
                      created_at=at(paid), created_by_id=world.user("bestuur"))


def _monthly(w: Writer, world: World, site: SiteInfo, categories: dict[str, int],
             budgets: dict[int, int]) -> None:
    rng, day = world.rng, site.project_start.replace(day=1)
    while day < world.today:
        on = max(day + timedelta(days=14), site.project_start)
        if on < world.today:
            for key, account, low, high, budget in (
                    ("koffie", "kas", 15, 60, None),
                    ("activiteiten", "bank", 40, 160, budgets[on.year])):
                w.add("assoc_cash_entries", association_id=site.association_id, booked_on=on,
                      account=account, category_id=categories[key],
                      amount=Decimal(rng.randint(low * 100, high * 100)) / 100,
                      description=key.capitalize(), budget_id=budget, grant_id=None,
                      payment_id=None, bank_line_id=None, corrects_entry_id=None,
                      created_at=at(on), created_by_id=world.user("bestuur"))
        day = (day + timedelta(days=32)).replace(day=1)
