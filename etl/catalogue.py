"""The indicator catalogue and the list of known data gaps.

A publication that brings a new indicator declares it in its recipe (``[[indicators]]``, no code); the build adds
those to this catalogue. Pages read labels, units and definitions from the warehouse's ``indicator`` table, never
from their own code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    id: str
    theme: str  # context | opvang | huisvesting | integratie
    label_nl: str
    label_en: str
    unit: str  # personen | plaatsen | locaties | procent | per_km2
    definition_nl: str
    definition_en: str
    higher_is_better: bool | None = None
    aggregation: str = "sum"  # how gemeente values add up to provincie and land: sum | none
    per_1000: bool = False  # a rate per 1,000 inhabitants is meaningful
    # A share of two summable indicators (numerator, denominator), x 100: computed by etl/derive.py at every
    # level where both exist, never by a parser or the dashboard.
    ratio_of: tuple[str, str] | None = None
    # Counted on the first day of its period (population on 1 January, stored as that year): the figure describes
    # that day, so its age runs from there, not from the period's end.
    stock: bool = False


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "bevolking",
        "context",
        "Inwoners",
        "Population",
        "personen",
        "Aantal inwoners op 1 januari volgens de Basisregistratie Personen (CBS).",
        "Number of residents on 1 January according to the population register (CBS).",
        stock=True,
    ),
    Indicator(
        "herkomst_buiten_europa",
        "context",
        "Inwoners met herkomst buiten Europa",
        "Residents of non-European origin",
        "personen",
        "Inwoners van wie het herkomstland (CBS-indeling 2022) buiten Europa ligt; dit zijn niet alleen statushouders.",
        "Residents whose country of origin (CBS 2022 classification) lies outside Europe; not only refugees.",
        per_1000=True,
        stock=True,
    ),
    Indicator(
        "asielverzoeken_en_nareizigers",
        "opvang",
        "Asielverzoeken en nareizigers",
        "Asylum requests and family reunification",
        "personen",
        "Eerste en volgende asielverzoeken plus nareizigers (gezinsleden die later volgen), per jaar, heel Nederland.",
        "First and subsequent asylum requests plus family members who followed later, per year, the Netherlands.",
        aggregation="none",
    ),
    Indicator(
        "asielverzoeken_totaal",
        "opvang",
        "Asielverzoeken (totaal)",
        "Asylum requests (total)",
        "personen",
        "Eerste en volgende asielverzoeken samen (CBS 83102NED).",
        "First and subsequent asylum requests together (CBS 83102NED).",
        aggregation="none",
    ),
    Indicator(
        "asielverzoeken_eerste",
        "opvang",
        "Eerste asielverzoeken",
        "First asylum requests",
        "personen",
        "Personen die voor het eerst asiel aanvragen in Nederland (CBS 83102NED).",
        "Persons requesting asylum in the Netherlands for the first time (CBS 83102NED).",
        aggregation="none",
    ),
    Indicator(
        "asielverzoeken_volgende",
        "opvang",
        "Volgende asielverzoeken",
        "Subsequent asylum requests",
        "personen",
        "Herhaalde asielverzoeken van personen die eerder een verzoek deden (CBS 83102NED).",
        "Repeat requests by persons who applied before (CBS 83102NED).",
        aggregation="none",
    ),
    Indicator(
        "nareizigers",
        "opvang",
        "Nareizigers",
        "Family reunification arrivals",
        "personen",
        "Gezinsleden van een statushouder die via gezinshereniging naar Nederland komen (CBS 83102NED).",
        "Family members of a permit holder arriving through family reunification (CBS 83102NED).",
        aggregation="none",
    ),
    Indicator(
        "coa_plaatsen",
        "opvang",
        "Opvangplaatsen COA (locaties)",
        "COA reception places (locations)",
        "plaatsen",
        "Capaciteit van de COA-locaties in de gemeente (azc, noodopvang en andere), opgeteld per gemeente via "
        "de ligging van de locatie. Momentopname november 2015, samengesteld door TNO uit COA.nl; onvolledig.",
        "Capacity of the COA locations inside the municipality (azc, emergency and other), summed by location. "
        "Snapshot November 2015 compiled by TNO from COA.nl; incomplete.",
        per_1000=True,
    ),
    Indicator(
        "coa_locaties",
        "opvang",
        "COA-locaties",
        "COA locations",
        "locaties",
        "Aantal COA-locaties in de gemeente (momentopname november 2015, TNO/COA.nl).",
        "Number of COA locations in the municipality (snapshot November 2015, TNO/COA.nl).",
    ),
    Indicator(
        "noodopvang_plaatsen",
        "opvang",
        "Noodopvangplaatsen",
        "Emergency reception places",
        "plaatsen",
        "Capaciteit van locaties die als noodopvang zijn aangemerkt (momentopname november 2015, TNO/COA.nl).",
        "Capacity of locations marked as emergency reception (snapshot November 2015, TNO/COA.nl).",
        per_1000=True,
    ),
    Indicator(
        "opvang_plaatsen_bestaand",
        "opvang",
        "Plaatsen in bestaande COA-locaties",
        "Places at existing COA locations",
        "plaatsen",
        "Plaatsen in bestaande COA-locaties per gemeente zoals TNO ze in oktober-november 2015 samenstelde.",
        "Places at existing COA locations per municipality as compiled by TNO in October-November 2015.",
        per_1000=True,
    ),
    Indicator(
        "opvang_plaatsen_beloofd",
        "opvang",
        "Toegezegde opvangplaatsen (2015)",
        "Reception places promised (2015)",
        "plaatsen",
        "Plaatsen die gemeenten in de opvangcrisis van najaar 2015 toezegden (TNO, uit nieuwsberichten).",
        "Places municipalities promised during the autumn-2015 reception crisis (TNO, from news reports).",
        per_1000=True,
    ),
    Indicator(
        "taakstelling",
        "huisvesting",
        "Taakstelling",
        "Housing target",
        "personen",
        "Aantal vergunninghouders dat de gemeente in het halfjaar moet huisvesten (Huisvestingswet 2014).",
        "Number of permit holders the municipality must house in the half-year (Housing Act 2014).",
        per_1000=True,
    ),
    Indicator(
        "taakstelling_gecorrigeerd",
        "huisvesting",
        "Gecorrigeerde taakstelling",
        "Corrected housing target",
        "personen",
        "Taakstelling plus de achterstand (of min de voorsprong) aan het begin van het halfjaar.",
        "Target plus the backlog (or minus the lead) carried over at the start of the half-year.",
        per_1000=True,
    ),
    Indicator(
        "realisatie",
        "huisvesting",
        "Gehuisveste vergunninghouders",
        "Permit holders housed",
        "personen",
        "Vergunninghouders die vanuit de COA-opvang in de gemeente zijn gehuisvest (negatieve maanden zijn "
        "correcties).",
        "Permit holders moved from COA reception into housing in the municipality (negative months are corrections).",
        higher_is_better=True,
        per_1000=True,
    ),
    Indicator(
        "huisvesting_saldo",
        "huisvesting",
        "Achterstand (+) / voorsprong (−)",
        "Backlog (+) / lead (−)",
        "personen",
        "Nog te huisvesten vergunninghouders op de peildatum: positief is achterstand, negatief is voorsprong.",
        "Permit holders still to be housed on the reference date: positive is a backlog, negative a lead.",
        higher_is_better=False,
        per_1000=True,
    ),
    Indicator(
        "realisatie_pct",
        "huisvesting",
        "Realisatie van de gecorrigeerde taakstelling",
        "Share of corrected target realised",
        "procent",
        "Gehuisveste vergunninghouders in het halfjaar als percentage van de gecorrigeerde taakstelling "
        "(alleen waar die groter is dan nul).",
        "Permit holders housed in the half-year as a percentage of the corrected target (only where it is above zero).",
        higher_is_better=True,
        aggregation="none",
        ratio_of=("realisatie", "taakstelling_gecorrigeerd"),
    ),
)

INDICATOR_IDS = frozenset(i.id for i in INDICATORS)


@dataclass(frozen=True)
class DataGap:
    """A topic the dashboard should show but no open file in the snapshot covers, and who publishes it. A recipe
    whose publication covers it says so (``[source] fills = [id]``) and the gap is no longer listed."""

    id: str
    theme: str
    topic_nl: str
    topic_en: str
    publisher: str
    source_title: str
    url: str


DATA_GAPS: tuple[DataGap, ...] = (
    DataGap(
        "integratie_duo_kerncijfers",
        "integratie",
        "Inburgeringsplichtigen, voortgang en examens per gemeente",
        "Civic-integration duty, progress and exams per municipality",
        "DUO",
        "Kerncijfers inburgering (per gemeente, per kwartaal)",
        "https://www.duo.nl/zakelijk/inburgeren/",
    ),
    DataGap(
        "integratie_swi",
        "integratie",
        "Inburgering onder de Wet inburgering 2021, regionale spreiding en arbeidsdeelname",
        "Civic integration under the 2021 Act, regional spread and labour participation",
        "CBS",
        "Statistiek Wet inburgering (SWI)",
        "https://www.cbs.nl/nl-nl/longread/rapportages/2025/statistiek-wet-inburgering--swi---2024",
    ),
    DataGap(
        "integratie_cohort",
        "integratie",
        "Werk, uitkering en opleiding van statushouders naar cohort",
        "Work, benefits and education of permit holders by cohort",
        "CBS",
        "Asiel en integratie: cohortonderzoek asielzoekers en statushouders",
        "https://longreads.cbs.nl/asielenintegratie-2023/",
    ),
    DataGap(
        "opvang_coa_bezetting",
        "opvang",
        "Bezetting van de COA-opvang per locatie of gemeente na 2015",
        "COA occupancy per location or municipality after 2015",
        "COA",
        "Capaciteit en bezetting (weekcijfers)",
        "https://www.coa.nl/nl/lijst/capaciteit-en-bezetting",
    ),
    DataGap(
        "opvang_spreidingswet",
        "opvang",
        "Opvangopgave per provincie en gemeente (Spreidingswet)",
        "Reception targets per province and municipality (Dispersal Act)",
        "Ministerie van Justitie en Veiligheid",
        "Staatscourant: provinciale opvangopgave en indicatieve verdeling",
        "https://zoek.officielebekendmakingen.nl/stb-2024-13.html",
    ),
    DataGap(
        "huisvesting_latere_halfjaren",
        "huisvesting",
        "Taakstelling en realisatie per gemeente van latere halfjaren",
        "Housing targets and realisation per municipality for later half-years",
        "Rijksoverheid / COA",
        "Circulaire taakstelling huisvesting vergunninghouders, bijlage A; COA realisatie per gemeente",
        "https://www.rijksoverheid.nl/onderwerpen/asielbeleid",
    ),
    DataGap(
        "huisvesting_wachtenden",
        "huisvesting",
        "Vergunninghouders in de opvang die wachten op een woning",
        "Permit holders in reception waiting for a home",
        "COA",
        "Capaciteit en bezetting: vergunninghouders in de opvang",
        "https://www.coa.nl/nl/lijst/capaciteit-en-bezetting",
    ),
)

DATA_GAP_IDS = frozenset(g.id for g in DATA_GAPS)
