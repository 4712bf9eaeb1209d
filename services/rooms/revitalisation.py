"""The revitalisation checklist for a room that is hardly used (seed 003, Deel VI; seed
001): map who is or was involved, talk with them to find the cause among five known
groups, then decide whether and how to revitalise. Dutch msgids, translated by the page.
"""
from __future__ import annotations

from dataclasses import dataclass

from services.errors import N_


@dataclass(frozen=True)
class Cause:
    title: str
    signs: tuple[str, ...]
    next_step: str


STEPS = (
    N_("Breng in kaart wie betrokken waren of zijn: bewoners, woonvereniging, corporatie, "
       "gemeente, welzijns- en zorgpartijen, en wat hun rol was."),
    N_("Ga met hen in gesprek en zoek de oorzaak van het teruglopende gebruik."),
    N_("Bepaal of u wilt revitaliseren en zo ja, hoe; overweeg ook andere vormen van beheer."),
)

CAUSES = (
    Cause(N_("Beheergroep en bestuur"), (
        N_("Ruzies tussen bestuursleden of gebrek aan transparantie, bijvoorbeeld over "
           "financiën."),
        N_("Onvoldoende vernieuwing in het bestuur, waardoor dynamiek en betrokkenheid "
           "verminderen."),
        N_("Vrijwilligers haken af door overbelasting of gebrek aan ondersteuning."),
        N_("Het beheer van de ruimte is te complex of tijdrovend voor bewoners."),
    ), N_("Ga in gesprek met de beheergroep over de knelpunten; zet zo nodig "
          "buurtbemiddeling in of zoek nieuwe trekkers.")),
    Cause(N_("Ongeschikte faciliteiten"), (
        N_("De ruimte past niet bij wat bewoners willen doen, zoals koken, knutselen of "
           "samen eten."),
        N_("Een verouderde of te kleine keuken."),
    ), N_("Inventariseer de behoeften; kijk of aanpassen financieel en technisch kan, "
          "ook met fondsen of vrijwillige klussers.")),
    Cause(N_("Mismatch in vraag en aanbod van activiteiten"), (
        N_("Activiteiten spreken maar een kleine groep aan of worden door enkelen "
           "gedomineerd."),
        N_("Disbalans tussen actieve deelnemers (dragers) en hulpbehoevenden (vragers)."),
        N_("Weinig animo door onbekendheid of omdat het aanbod niet past bij de wensen."),
    ), N_("Breng de huidige situatie in kaart en peil de wensen; pas het aanbod aan.")),
    Cause(N_("Afhankelijkheid van derden"), (
        N_("Financiële of inhoudelijke afhankelijkheid van externe organisaties, "
           "bijvoorbeeld door bezuinigingen of een koerswijziging van een financier."),
    ), N_("Zoek een alternatief: subsidies en fondsen, of een andere vorm van beheer.")),
    Cause(N_("Strenge regelgeving"), (
        N_("Regels zoals de verplichting tot BHV, alcoholverboden en andere juridische "
           "eisen ontmoedigen vooral grotere ontmoetingsruimten."),
    ), N_("Ga na welke regels echt gelden en kijk vooral naar wat er wel kan.")),
)
