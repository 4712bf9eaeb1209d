"""The scale seed's registry: organisations, sites with parts and units, residents with
their dated support history (move-outs, re-lettings, status changes), and the accounts
with their roles."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from models import OrgKind, Role
from services.registry.mix import StatusRecord
from services.seed.demo import FIRST_NAMES, LAST_NAMES, TALENTS
from services.seed.scale import SiteInfo, World, Writer, at

CARE_ORGS = ("Zorggroep De Linde", "Stichting Het Anker", "Lister", "Kwintes", "Reinaerde",
             "Leger des Heils")
MUNICIPALITIES = ("Rijnstad", "Vechtdal", "Lekkerkerk", "Eemdorp", "Amstelveld",
                  "Maasbree", "IJsselmonde", "Zaanwijk", "Waalhaven", "Dommelen")
MEAN_STAY_DAYS = 8 * 365
HOURS = (Decimal(3), Decimal(4), Decimal("4.5"), Decimal(5), Decimal(6), Decimal(8))
SITES_PER_COACH = 5


def generate(w: Writer, world: World) -> None:
    """Organisations, sites, units, residents and accounts."""
    _organisations(w, world)
    _accounts(w, world)
    for n in range(1, world.site_count + 1):
        site = _site(w, world, n)
        world.sites.append(site)
        _memberships(w, world, site, n)
        _residents(w, world, site)


def _org(w: Writer, name: str, kind: str) -> int:
    return w.add("organisations", name=name, kind=kind, active=True)


def _organisations(w: Writer, world: World) -> None:
    world.corporation_id = _org(w, world.named("Woonstichting Schaalbaar"), OrgKind.WONINGCORPORATIE)
    world.care_orgs = [_org(w, world.named(f"{name} (schaal)"), OrgKind.ZORGAANBIEDER)
                       for name in CARE_ORGS]
    world.welfare_id = _org(w, world.named("Welzijn Schaalbaar"), OrgKind.WELZIJNSORGANISATIE)


def _user(w: Writer, world: World, local: str, name: str, is_admin: bool = False) -> int:
    user_id = w.add("users", email=f"{local}@{world.domain}", name=name,
                    password_hash=world.password_hash, is_admin=is_admin, active=True,
                    locale=None, created_at=at(world.today - timedelta(days=world.years * 366)))
    world.users[local] = user_id
    return user_id


def _accounts(w: Writer, world: World) -> None:
    _user(w, world, "admin", "Beheerder Schaal", is_admin=True)
    _user(w, world, "sb", "Sanne Sociaal Beheer")
    _user(w, world, "bestuur", "Bea Bestuur")
    _user(w, world, "kerngroep", "Karin Kerngroep")
    for n in range(1, (world.site_count - 1) // SITES_PER_COACH + 2):
        _user(w, world, f"coach{n:02d}", f"Coach {n:02d}")
    for k, org_id in enumerate(world.care_orgs):
        _user(w, world, f"begeleider{k + 1}", f"Begeleider {CARE_ORGS[k]}")


def _site(w: Writer, world: World, n: int) -> SiteInfo:
    rng = world.rng
    start = world.today - relativedelta(years=world.years) + timedelta(days=rng.randint(0, 90))
    name = world.named(f"Locatie {n:03d}")
    association = _org(w, f"Bewonersvereniging {name}", OrgKind.WOONVERENIGING)
    site_id = w.add("sites", name=name, municipality=MUNICIPALITIES[n % len(MUNICIPALITIES)],
                    project_start=start, corporation_id=world.corporation_id,
                    association_id=association, target_begeleid_share=Decimal("0.3333"),
                    mix_tolerance=Decimal("0.05"), small_site_units=60,
                    small_site_max_share=Decimal("0.5"))
    site = SiteInfo(site_id, name, start, association)
    blocks = "ABCD"[:rng.randint(2, 4)]
    for block in blocks:
        site.parts[w.add("site_parts", site_id=site_id, name=f"Blok {block}")] = block
    part_ids = list(site.parts)
    for number in range(1, rng.randint(60, 100) + 1):
        part_id = part_ids[(number - 1) * len(part_ids) // 100 % len(part_ids)]
        label = f"{site.parts[part_id]}{number:03d}"
        unit_id = w.add("units", site_id=site_id, part_id=part_id, number=label,
                        unit_type=rng.choice(("studio", "1-kamer", "2-kamer", "3-kamer")),
                        shared=False)
        site.units.append((unit_id, part_id, label))
    site.coach_id = world.user(f"coach{(n - 1) // SITES_PER_COACH + 1:02d}")
    for k in (n % len(world.care_orgs), (n + 3) % len(world.care_orgs)):
        site.begeleiders[world.care_orgs[k]] = world.user(f"begeleider{k + 1}")
    return site


def _memberships(w: Writer, world: World, site: SiteInfo, n: int) -> None:
    grants = [("sb", Role.SOCIAAL_BEHEERDER, None), ("bestuur", Role.BESTUUR, None),
              ("kerngroep", Role.KERNGROEP, None)]
    for local, role, org in grants:
        w.add("memberships", user_id=world.user(local), site_id=site.id, role=role,
              organisation_id=org)
    w.add("memberships", user_id=site.coach_id, site_id=site.id,
          role=Role.COMMUNITYCOACH, organisation_id=None)
    for org_id, user_id in site.begeleiders.items():
        w.add("memberships", user_id=user_id, site_id=site.id, role=Role.BEGELEIDER,
              organisation_id=org_id)


def _person(world: World, resident_no: int) -> dict:
    rng = world.rng
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    contributes = rng.random() < 0.6
    return dict(name=name, email=f"bewoner{resident_no}@{world.domain}",
                phone=f"06-{rng.randint(10000000, 99999999)}",
                date_of_birth=world.today - timedelta(days=rng.randint(20 * 365, 80 * 365)),
                actively_contributes=contributes, contribution_notes=None,
                talents=", ".join(rng.sample(TALENTS, 2)) if contributes else None)


def _support(world: World, site: SiteInfo) -> tuple[str, int | None, Decimal | None]:
    rng = world.rng
    if rng.random() < 0.34:
        return "begeleid", rng.choice(list(site.begeleiders)), rng.choice(HOURS)
    return "onbegeleid", None, None


def _residents(w: Writer, world: World, site: SiteInfo) -> None:
    """Every unit from shortly after the project start: stays of ~8 years on average,
    a few weeks empty between two, some status changes during a stay."""
    rng, today = world.rng, world.today
    manager = world.user("sb")
    for unit_id, part_id, _number in site.units:
        move_in = site.project_start + timedelta(days=rng.randint(0, 60))
        while move_in < today:
            stay = int(rng.expovariate(1 / MEAN_STAY_DAYS)) + 30
            move_out = move_in + timedelta(days=stay)
            if move_out >= today:
                move_out = None
            resident_id = w.new_id("residents")
            w.add("residents", id=resident_id, unit_id=unit_id, unit_shared=False,
                  move_in_date=move_in, move_out_date=move_out,
                  move_out_reason="verhuisd" if move_out else None,
                  created_at=at(move_in), **_person(world, resident_id))
            statuses = [(move_in, *_support(world, site))]
            last = move_out or today
            if rng.random() < 0.15 and (last - move_in).days > 60:
                changed = move_in + timedelta(days=rng.randint(30, (last - move_in).days - 1))
                status = statuses[0][1]
                statuses.append((changed, *(_support(world, site) if status == "onbegeleid"
                                            else ("onbegeleid", None, None))))
            for valid_from, status, org, hours in statuses:
                w.add("support_periods", resident_id=resident_id, valid_from=valid_from,
                      status=status, care_organisation_id=org, indicated_hours=hours,
                      note=None, recorded_at=at(valid_from), recorded_by_id=manager)
            site.stays.append((resident_id, unit_id, part_id, move_in, move_out,
                               tuple(StatusRecord(*s) for s in statuses)))
            if move_out is None:
                break
            move_in = move_out + timedelta(days=rng.randint(14, 90))
