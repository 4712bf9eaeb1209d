"""Help: a short guide per role ("Zo werkt Noaber voor ..."), open to everyone (also
before logging in), with the daily tasks as steps."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l

bp = Blueprint("help", __name__, url_prefix="/hulp")


@dataclass(frozen=True)
class Guide:
    slug: str
    who: object          # "de coach", lazily translated
    intro: object
    steps: tuple


GUIDES = (
    Guide("sociaal-beheerder", _l("de sociaal beheerder"),
          _l("U houdt het register bij, bewaakt de mix en zit de IMO voor."), (
              _l("Open Mijn werk: daar staan de IMO, de vrije eenheden en de open signalen."),
              _l("Leg een verhuizing vast bij Bewoners: Nieuwe bewoner of Vertrek."),
              _l("Plan de IMO en zet kandidaten op de agenda bij IMO."),
              _l("Pak een signaal op of los het op bij Signalen, met een korte notitie."),
              _l("Sluit aan het begin van de maand de vorige maand af bij Uren, Maanden afsluiten."))),
    Guide("coach", _l("de coach"),
          _l("U schrijft uw uren en ziet elke week hoe u ervoor staat tegen de coachnorm."), (
              _l("Open Mijn werk: bovenaan staat deze week tegen de norm."),
              _l("Schrijf uw uren direct na een activiteit: duur, activiteit, korte toelichting, Opslaan."),
              _l("Vergeten? Vul met Hele week invullen de dagen van de week in één keer in."),
              _l("Houd bij wie meedoet bij Meedoen, en zet activiteiten in de agenda bij Ruimte."),
              _l("Zie een signaal over uw uren? Bespreek het met de kerngroep."))),
    Guide("begeleider", _l("de begeleider"),
          _l("U schrijft de uren van uw organisatie en ziet de %(share)s-inzet op de "
             "locatie.", share="10%"), (
              _l("Open Mijn werk: daar staat de %(share)s-inzet van uw organisatie deze "
                 "maand.", share="10%"),
              _l("Schrijf uw uren bij Uren, met de categorie begeleider en uw organisatie."),
              _l("Meld een cliënt aan als kandidaat bij IMO, Kandidaat aanmelden."),
              _l("Bij Bewoners ziet u alleen de begeleiding van cliënten van uw eigen organisatie."))),
    Guide("bestuur", _l("het bestuur"),
          _l("U beheert de ruimte en de vereniging."), (
              _l("Open Mijn werk: daar staan de ruimte deze week en wat er voor de vereniging te doen is."),
              _l("Keur aanvragen voor de ruimte goed of af bij Ruimte, Aanvragen."),
              _l("Houd het bestuur compleet bij Vereniging, Bestuur, en schrijf wijzigingen in bij de KvK."),
              _l("Bereid de ALV voor bij Overleg."))),
    Guide("penningmeester", _l("de penningmeester"),
          _l("U houdt de contributie, de kas en de bank van de vereniging bij."), (
              _l("Lees elke maand het bankbestand in bij Vereniging, Bank, en koppel de regels."),
              _l("Boek een uitgave of inkomst in het kasboek, met het bonnetje erbij."),
              _l("Controleer de achterstanden en verstuur de herinneringen die klaarstaan."),
              _l("Maak voor de ALV het jaarverslag op bij Vereniging, Jaarverslag."))),
    Guide("kerngroep", _l("de kerngroep en de stuurgroep"),
          _l("U volgt de locatie op hoofdlijnen en neemt besluiten in het overleg."), (
              _l("Open Mijn werk: de stand van zaken laat zien wat er veranderde sinds uw laatste overleg."),
              _l("Lees de nieuwe signalen en de besluiten vóór het overleg."),
              _l("Bekijk de uren tegen de normen bij Uren, Rapport."),
              _l("Leg in het overleg besluiten en actiepunten vast; uw eigen actiepunten staan bij Mijn actiepunten."))),
    Guide("toelatingscommissie", _l("de toelatingscommissie"),
          _l("U weegt de kandidaten in de IMO."), (
              _l("Open IMO: daar staan de kandidaten en de volgende vergadering."),
              _l("Lees voor de vergadering de dossiers op de agenda."),
              _l("Geef in de vergadering uw advies; de sociaal beheerder legt het vast."))),
)
BY_SLUG = {g.slug: g for g in GUIDES}
#: the start page's sections and the guide that explains them
SECTION_GUIDES = {"beheer": "sociaal-beheerder", "coach": "coach", "begeleider": "begeleider",
                  "bestuur": "bestuur", "stand": "kerngroep",
                  "toelating": "toelatingscommissie"}


def guide_title(slug: str) -> str:
    return str(_l("Zo werkt Noaber voor %(who)s", who=BY_SLUG[slug].who))


@bp.app_template_global("help_role")
def help_role(section: str) -> str:
    return SECTION_GUIDES.get(section, "coach")


@bp.app_template_global("help_title")
def help_title(slug: str) -> str:
    return guide_title(slug)


@bp.route("/")
def index():
    return render_template("help/index.html", guides=GUIDES)


@bp.route("/<role>")
def guide(role: str):
    found = BY_SLUG.get(role)
    if found is None:
        abort(404)
    return render_template("help/guide.html", guide=found, guides=GUIDES)
