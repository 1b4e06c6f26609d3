"""Every UI label in Dutch and English, plus the language-dependent number and period formats.

Indicator labels and definitions come from the warehouse's ``indicator`` table; everything else the pages
say comes from ``LABELS`` here, so a translation is one place to edit.
"""

from __future__ import annotations

import math
from datetime import date

from babel.dates import format_timedelta, get_month_names
from babel.numbers import format_decimal

from etl.periods import label as cbs_label

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"

LABELS: dict[str, tuple[str, str]] = {
    # frame and navigation
    "app_title": ("Ketenmonitor Asiel & Integratie", "Asylum & Integration Chain Monitor"),
    "nav_overzicht": ("Overzicht", "Overview"),
    "nav_opvang": ("Opvang", "Reception"),
    "nav_huisvesting": ("Huisvesting", "Housing"),
    "nav_integratie": ("Integratie", "Integration"),
    "nav_gemeente": ("Gemeente", "Municipality"),
    "nav_vergelijk": ("Vergelijk", "Compare"),
    "nav_bronnen": ("Bronnen & begrippen", "Sources & terms"),
    "nav_toegankelijkheid": ("Toegankelijkheid", "Accessibility"),
    "ta_intro": (
        "Dit dashboard wil voldoen aan de Web Content Accessibility Guidelines (WCAG) 2.1, niveau AA. Hieronder "
        "staat wat we testen, hoe, en wat nog niet goed is.",
        "This dashboard aims to meet the Web Content Accessibility Guidelines (WCAG) 2.1, level AA. Below is what "
        "we test, how, and what is not right yet.",
    ),
    "ta_tested_title": ("Wat we bij elke wijziging testen", "What every change is tested for"),
    "ta_tested": (
        "- **Automatische toets met axe-core** op elke pagina (Nederlands en Engels) en op de ingesloten weergave: "
        "geen ernstige of kritieke fouten.\n"
        "- **Telefoon**: de pagina's passen op een scherm van 390 pixels breed zonder zijwaarts te scrollen.\n"
        "- **Elke kaart en grafiek** heeft een beschrijving voor schermlezers, een tabel met dezelfde cijfers en "
        "een bronregel; de cijfers staan ook in een CSV-bestand.\n"
        "- **Kleuren** zijn veilig bij kleurenblindheid (Okabe-Ito, een schaal in één kleur, blauw-oranje rond een "
        "middenwaarde), en een kleurschaal die afkapt zegt dat (≥).",
        "- **Automatic check with axe-core** on every page (Dutch and English) and on the embedded view: no "
        "serious or critical violations.\n"
        "- **Phone**: the pages fit a screen 390 pixels wide without scrolling sideways.\n"
        "- **Every map and chart** has a description for screen readers, a table with the same figures and a "
        "source line; the figures are also in a CSV file.\n"
        "- **Colours** are safe for colour-blind readers (Okabe-Ito, a one-hue scale, blue-orange around a "
        "midpoint), and a colour scale that is cut off says so (≥).",
    ),
    "ta_known_title": ("Wat nog niet goed is", "What is not right yet"),
    "ta_known": (
        "- Er is nog **geen handmatige test met een schermlezer** of alleen met het toetsenbord gedaan.\n"
        "- De tabellen worden getekend (niet als HTML-tabel); schermlezers lezen ze beperkt. De CSV-download "
        "onder elke tabel bevat dezelfde gegevens.\n"
        "- Details op de kaart (waarden per gemeente) verschijnen bij aanwijzen of aantikken; de tabel ernaast "
        "geeft ze ook.",
        "- There has been **no manual test with a screen reader** or with the keyboard alone yet.\n"
        "- Tables are drawn (not HTML tables), so screen readers read them only partly. The CSV download below "
        "each table holds the same data.\n"
        "- Details on the map (values per municipality) appear on hover or tap; the table next to it gives them "
        "too.",
    ),
    "ta_contact": (
        "Loopt u ergens tegenaan? Meld het als issue in de repository van dit open-source project.",
        "Something in your way? Report it as an issue in this open-source project's repository.",
    ),
    "nav_embed": ("Ingebed", "Embedded"),
    "lang_switch": ("English", "English"),
    "lang_help": ("Schakel over naar Engels", "Switch to English (uit = Nederlands)"),
    "no_warehouse_title": ("Nog geen gegevens", "No data yet"),
    "no_warehouse_body": (
        "Het datapakhuis `{path}` bestaat nog niet. Bouw het met één opdracht in de map van het project:",
        "The warehouse `{path}` does not exist yet. Build it with one command in the project folder:",
    ),
    "no_warehouse_after": (
        "Ververs daarna deze pagina. De opdracht leest de momentopname van de bronbestanden en schrijft het bestand "
        "in één keer.",
        "Then reload this page. The command reads the snapshot of the source files and writes the file in one go.",
    ),
    "broken_warehouse": (
        "Het datapakhuis `{path}` kon niet worden gelezen. Bouw het opnieuw met:",
        "The warehouse `{path}` could not be read. Rebuild it with:",
    ),
    # The build's date, not the figures': every theme says how old its newest figure is (fresh_*).
    "built_at": ("Datawarehouse bijgewerkt op {when}", "Data warehouse updated on {when}"),
    "fresh_theme": (
        "Nieuwste cijfer over {theme}: {period} ({age}).",
        "Newest figure on {theme}: {period} ({age}).",
    ),
    "fresh_none": ("Over {theme} zijn nog geen cijfers geladen.", "No figures on {theme} have been loaded yet."),
    "busy": (
        "Het is nu erg druk op deze server. Laad de pagina over een halve minuut opnieuw.",
        "This server is very busy right now. Please reload the page in half a minute.",
    ),
    # selectors
    "sel_gemeente": ("Gemeente", "Municipality"),
    "sel_gemeente_help": ("Typ om te zoeken op naam of code", "Type to search by name or code"),
    "sel_regions": ("Gemeenten of provincies (max. {n})", "Municipalities or provinces (max. {n})"),
    "sel_period": ("Periode", "Period"),
    "sel_indicator": ("Indicator", "Indicator"),
    "sel_level": ("Regioniveau", "Region level"),
    "sel_province": ("Provincie", "Province"),
    "sel_all_provinces": ("Alle provincies", "All provinces"),
    "sel_measure": ("Weergave", "Display"),
    "measure_rate": ("Per 1.000 inwoners", "Per 1,000 inhabitants"),
    "measure_abs": ("Absoluut", "Absolute"),
    "sel_view": ("Weergave", "View"),
    "latest_per_theme": ("Laatst beschikbaar per thema", "Latest available per theme"),
    "level_gemeente": ("Gemeente", "Municipality"),
    "level_provincie": ("Provincie", "Province"),
    "level_land": ("Nederland", "Netherlands"),
    "former_suffix": ("t/m {year}", "until {year}"),
    # URL messages
    "msg_formed_later": (
        "{name} bestond in {year} nog niet; hier staan de gemeenten waaruit het is ontstaan ({parts}), te beginnen "
        "met de grootste. Op de Gemeente-pagina staan hun cijfers opgeteld.",
        "{name} did not exist yet in {year}; this page has the municipalities it was formed from ({parts}), starting "
        "with the largest. The Municipality page adds their figures up.",
    ),
    "msg_unknown_gm": (
        "Gemeente {raw} is onbekend of komt op deze pagina niet voor; getoond wordt {shown}.",
        "Municipality {raw} is unknown or not on this page; showing {shown}.",
    ),
    "msg_unknown_period": (
        "Periode {raw} bestaat niet voor deze weergave; getoond wordt {shown}.",
        "Period {raw} is not available for this view; showing {shown}.",
    ),
    "msg_unknown_indicator": (
        "Onbekende indicator {raw}; getoond wordt {shown}.",
        "Unknown indicator {raw}; showing {shown}.",
    ),
    "msg_unknown_level": (
        "Onbekend regioniveau {raw}; getoond wordt {shown}.",
        "Unknown region level {raw}; showing {shown}.",
    ),
    "msg_unknown_pv": (
        "Onbekende provincie {raw}; getoond wordt {shown}.",
        "Unknown province {raw}; showing {shown}.",
    ),
    "msg_unknown_view": (
        "Onbekende weergave {raw}; getoond wordt {shown}.",
        "Unknown view {raw}; showing {shown}.",
    ),
    "msg_too_many": (
        "Er kunnen hoogstens {n} regio's tegelijk; de eerste {n} worden getoond.",
        "At most {n} regions at a time; showing the first {n}.",
    ),
    "msg_unknown_lang": ("Onbekende taal {raw}; getoond wordt Nederlands.", "Unknown language {raw}; showing Dutch."),
    # common parts
    "source": ("Bron", "Source"),
    "sources": ("Bronnen", "Sources"),
    "reference_date": ("peildatum", "reference date"),
    "status_official": ("officieel", "official"),
    "status_unofficial": ("onofficieel (bewerking door derden)", "unofficial (third-party conversion)"),
    "status_derived": ("afgeleid (opgeteld uit gemeenten)", "derived (summed from municipalities)"),
    "population_source": ("Inwoners", "Population"),
    "derived_total": ("totalen opgeteld uit de gemeenten", "totals summed from the municipalities"),
    "boundaries": ("Grenzen", "Boundaries"),
    "download_csv": ("Download CSV", "Download CSV"),
    "download_help": (
        "Precies de gegevens achter deze figuur, met bronkolommen",
        "Exactly the data behind this figure, with source columns",
    ),
    "table_alt": ("Tabel", "Table"),
    "map": ("Kaart", "Map"),
    "chart": ("Grafiek", "Chart"),
    "no_data": ("geen gegevens", "no data"),
    "region": ("Regio", "Region"),
    "code": ("Code", "Code"),
    "name": ("Naam", "Name"),
    "year": ("Jaar", "Year"),
    "value": ("Waarde", "Value"),
    "rate": ("Per 1.000 inwoners", "Per 1,000 inhabitants"),
    "population": ("Inwoners", "Population"),
    "rank": ("Rang", "Rank"),
    "province": ("Provincie", "Province"),
    "period": ("Periode", "Period"),
    "indicator": ("Indicator", "Indicator"),
    "unit_personen": ("personen", "persons"),
    "unit_plaatsen": ("plaatsen", "places"),
    "unit_locaties": ("locaties", "locations"),
    "unit_procent": ("procent", "percent"),
    "hover_abs": ("Absoluut", "Absolute"),
    "hover_rate": ("Per 1.000 inw.", "Per 1,000 inh."),
    "no_rate_year": (
        "Voor {year} is geen inwonertal per gemeente in het datapakhuis; daarom absolute aantallen.",
        "The warehouse holds no population per municipality for {year}; absolute numbers are shown instead.",
    ),
    "rate_basis": (
        "Per 1.000 inwoners op 1 januari {year}; het absolute aantal staat bij het aanwijzen.",
        "Per 1,000 inhabitants on 1 January {year}; the absolute number shows on hover.",
    ),
    "mapped_note": (
        "Er zijn geen grenzen van {from_year} in het datapakhuis. De waarden van de gemeenten van {from_year} zijn "
        "daarom via de grenzenkoppeling (crosswalk) op de gemeentegrenzen van {to_year} gezet; samengevoegde "
        "gemeenten tellen op. De tabel toont de gemeenten van {from_year} zelf.",
        "The warehouse holds no {from_year} boundaries. The values of the {from_year} municipalities were therefore "
        "placed on the {to_year} boundaries through the crosswalk; merged municipalities add up. The table lists "
        "the {from_year} municipalities themselves.",
    ),
    "mapped_from": ("{year}: {names}", "{year}: {names}"),
    "no_geometry": (
        "Voor {level} in {year} zijn geen grenzen beschikbaar; zie de tabel.",
        "No boundaries for {level} in {year}; see the table.",
    ),
    "empty_theme": (
        "Het datapakhuis bevat voor {theme} niets voor {region} in {period}.",
        "The warehouse holds nothing on {theme} for {region} in {period}.",
    ),
    "empty_theme_any": (
        "Het datapakhuis bevat voor {theme} (nog) geen gegevens per regio.",
        "The warehouse holds no regional data on {theme} (yet).",
    ),
    "would_fill": ("Deze bron zou het vullen:", "This source would fill it:"),
    "would_fill_many": ("Deze bronnen zouden het vullen:", "These sources would fill it:"),
    "available_periods": ("Wel beschikbaar: {periods}.", "Available: {periods}."),
    "theme_opvang": ("opvang", "reception"),
    "theme_huisvesting": ("huisvesting", "housing"),
    "theme_integratie": ("integratie", "integration"),
    "theme_context": ("context", "context"),
    "Theme_opvang": ("Opvang", "Reception"),
    "Theme_huisvesting": ("Huisvesting", "Housing"),
    "Theme_integratie": ("Integratie", "Integration"),
    "Theme_context": ("Context", "Context"),
    "open_full": ("Open in het volledige dashboard", "Open in the full dashboard"),
    # Overzicht
    "ov_intro": (
        "Eén persoon gaat door drie domeinen die drie ministeries verdelen: opvang (COA, JenV), huisvesting van "
        "vergunninghouders (BZK) en inburgering en werk (SZW). Gemeenten hebben met alle drie tegelijk te maken. "
        "Hieronder staat wat openbare bronnen per thema laten zien, en waar ze zwijgen.",
        "One person passes through three domains split between three ministries: reception (COA, Justice), "
        "housing of permit holders (Interior) and civic integration and work (Social Affairs). Municipalities deal "
        "with all three at once. Below is what public sources show per theme, and where they are silent.",
    ),
    "ov_headlines": ("Kerncijfers", "Headline figures"),
    "ov_chain": ("De keten op de kaart", "The chain on the map"),
    "ov_chain_help": (
        "Elke kaart toont de hoofdindicator van één thema. De openbare bronnen bestrijken verschillende jaren; "
        "boven elke kaart staat de periode.",
        "Each map shows one theme's main indicator. The public sources cover different years; the period is "
        "written above each map.",
    ),
    "ov_asylum": (
        "Asielverzoeken en nareizigers in Nederland",
        "Asylum requests and family reunification, Netherlands",
    ),
    "ov_data_note": (
        "Wat er echt is: inwoners 2015 en 2019–2025; COA-opvang als momentopname van november 2015; taakstelling "
        "en realisatie huisvesting alleen voor de eerste helft van 2016; asielverzoeken landelijk 1975–2018; "
        "integratie: nog niets per gemeente.",
        "What really exists: population 2015 and 2019–2025; COA reception as a snapshot of November 2015; housing "
        "targets and realisation only for the first half of 2016; asylum requests nationally 1975–2018; "
        "integration: nothing per municipality yet.",
    ),
    "hl_asylum": ("Asielverzoeken en nareizigers {period}", "Asylum requests and reunification {period}"),
    "hl_coa": ("COA-opvangplaatsen, {period}", "COA reception places, {period}"),
    "hl_coa_sub": ("in {n} locaties", "at {n} locations"),
    "hl_housing": ("Gehuisvest, {period}", "Housed, {period}"),
    "hl_housing_sub": ("{pct} van de gecorrigeerde taakstelling", "{pct} of the corrected target"),
    "hl_population": ("Inwoners Nederland, {period}", "Population of the Netherlands, {period}"),
    "hl_integration": ("Integratie", "Integration"),
    "hl_integration_value": ("geen open data", "no open data"),
    # Opvang
    "op_intro": (
        "Opvangplaatsen van het COA per gemeente in november 2015, de piek van de opvangcrisis. Het bestand is een "
        "momentopname die TNO samenstelde uit COA.nl; het is onvolledig (75 locaties, waarvan één het hoofdkantoor) "
        "en onofficieel.",
        "COA reception places per municipality in November 2015, the peak of the reception crisis. The file is a "
        "snapshot TNO compiled from COA.nl; it is incomplete (75 locations, one of them the head office) and "
        "unofficial.",
    ),
    # COA location groups (etl.parsers.coa.TYPE_GROUPS)
    "tg_azc": ("azc", "asylum seekers' centre (azc)"),
    "tg_noodopvang": ("noodopvang", "emergency reception"),
    "tg_gezinslocatie": ("gezinslocatie", "family location"),
    "tg_procesopvang": ("procesopvang (COL/POL)", "process reception (COL/POL)"),
    "tg_aanvullende_opvang": ("aanvullende opvang", "supplementary reception"),
    "tg_other": ("nieuw, in aanbouw", "new, being converted"),
    "tg_kantoor": ("hoofdkantoor (geen opvang)", "head office (no reception)"),
    "op_map": ("{indicator} per gemeente, {period}", "{indicator} per municipality, {period}"),
    "op_points": ("COA-locaties (grootte = plaatsen)", "COA locations (size = places)"),
    "op_ranking": ("Rangorde", "Ranking"),
    "op_locations": ("COA-locaties", "COA locations"),
    "op_emergency": ("noodopvang", "emergency reception"),
    "op_regular": ("regulier", "regular"),
    "loc_name": ("Locatie", "Location"),
    "loc_place": ("Plaats", "Place"),
    "loc_type": ("Soort", "Type"),
    "loc_places": ("Plaatsen", "Places"),
    "loc_emergency": ("Noodopvang", "Emergency"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    # Huisvesting
    "hv_intro": (
        "Gemeenten moeten elk halfjaar een aantal vergunninghouders huisvesten (de taakstelling). Open data per "
        "gemeente is er alleen voor de eerste helft van 2016 (390 gemeenten, grenzen van 2016).",
        "Each half-year municipalities must house a number of permit holders (the target). Open data per "
        "municipality exists only for the first half of 2016 (390 municipalities, 2016 boundaries).",
    ),
    "hv_map": ("{indicator}, {period}", "{indicator}, {period}"),
    "hv_gemeente": (
        "Maandelijkse realisatie van {name} tegen de taakstelling naar rato",
        "{name}: monthly realisation against the pro-rata target",
    ),
    "hv_cumulative": ("Gehuisvest (cumulatief)", "Housed (cumulative)"),
    "hv_monthly": ("Gehuisvest in de maand", "Housed in the month"),
    "hv_prorata": ("Taakstelling naar rato", "Pro-rata target"),
    "hv_prorata_help": (
        "Naar rato: de gecorrigeerde taakstelling gelijk verdeeld over de zes maanden van het halfjaar.",
        "Pro rata: the corrected target spread evenly over the six months of the half-year.",
    ),
    "hv_pct_help": (
        "Kleur rond 100%: blauw is meer gehuisvest dan de gecorrigeerde taakstelling, oranje is minder.",
        "Colour around 100%: blue is more housed than the corrected target, orange is fewer.",
    ),
    "hv_provinces": ("Totalen per provincie", "Totals per province"),
    "hv_no_monthly": ("Geen maandcijfers voor {name}.", "No monthly figures for {name}."),
    "hv_pct_realised": ("Gerealiseerd %", "Realised %"),
    "hv_saldo_start": ("Achterstand (+) 1 januari", "Backlog (+) 1 January"),
    "hv_saldo_end": ("Achterstand (+) 1 juli", "Backlog (+) 1 July"),
    "hv_pct_note": (
        "Percentage per provincie = som van de gehuisveste vergunninghouders gedeeld door de som van de "
        "gecorrigeerde taakstellingen, berekend uit dezelfde bron.",
        "Percentage per province = the sum of permit holders housed divided by the sum of the corrected targets, "
        "computed from the same source.",
    ),
    "hv_diverging_help": (
        "Blauw is voorsprong (meer gehuisvest dan gevraagd), oranje is achterstand; nul staat in het midden.",
        "Blue is a lead (more housed than required), orange a backlog; zero is in the middle.",
    ),
    "hv_no_pop": (
        "Voor 2016 is er geen inwonertal per gemeente in het datapakhuis; daarom staan hier absolute aantallen en "
        "percentages, geen cijfers per 1.000 inwoners.",
        "The warehouse holds no 2016 population per municipality, so this page shows absolute numbers and "
        "percentages, not rates per 1,000 inhabitants.",
    ),
    "month": ("Maand", "Month"),
    # Integratie
    "in_intro": (
        "Inburgering, taal, onderwijs en werk van statushouders. Dit is het deel van de keten waarover het minst "
        "open data per gemeente bestaat.",
        "Civic integration, language, education and work of permit holders. This is the part of the chain with "
        "the least open data per municipality.",
    ),
    "in_holds": ("Wat het datapakhuis bevat", "What the warehouse holds"),
    "in_context": ("Context: inwoners met een herkomst buiten Europa", "Context: residents of non-European origin"),
    "in_context_caveat": (
        "Let op: dit zijn alle inwoners met een herkomst buiten Europa, niet alleen statushouders.",
        "Note: these are all residents of non-European origin, not only permit holders.",
    ),
    "in_missing": ("Wat ontbreekt en wie het publiceert", "What is missing and who publishes it"),
    # Gemeente
    "gm_intro": (
        "De hele keten van één gemeente op één scherm, naast de provincie, gemeenten van vergelijkbare grootte en "
        "Nederland.",
        "One municipality's whole chain on one screen, next to its province, municipalities of similar size and "
        "the Netherlands.",
    ),
    "gm_copy_link": ("Link naar deze weergave", "Link to this view"),
    "gm_copy_help": ("Kopieer met de knop rechts in het vak.", "Copy with the button on the right of the box."),
    "gm_population": ("Inwoners {period}", "Population {period}"),
    "gm_province_of": ("Provincie {name}", "Province {name}"),
    "gm_compare_gm": ("Gemeente", "Municipality"),
    "gm_compare_pv": ("Provincie", "Province"),
    "gm_compare_peer": ("Vergelijkbare gemeenten (mediaan)", "Similar municipalities (median)"),
    "gm_compare_nl": ("Nederland", "Netherlands"),
    "gm_compare_peer_short": ("Vergelijkbaar", "Similar"),
    "gm_compare_pv_mean": ("Provincie (gem.)", "Province (mean)"),
    "gm_compare_nl_mean": ("Nederland (gem.)", "Netherlands (mean)"),
    "gm_mean_help": (
        "Gemiddelde per gemeente: het totaal gedeeld door het aantal gemeenten.",
        "Mean per municipality: the total divided by the number of municipalities.",
    ),
    "hv_gemeente_short": ("Realisatie per maand", "Realisation per month"),
    "gm_basis": ("Grondslag", "Basis"),
    "basis_rate": ("per 1.000 inwoners", "per 1,000 inhabitants"),
    "basis_pct": ("percentage", "percentage"),
    "basis_abs_mean": (
        "absoluut; provincie en Nederland: gemiddelde per gemeente",
        "absolute; province and Netherlands: mean per municipality",
    ),
    "basis_abs": ("absoluut", "absolute"),
    "peer_note": (
        "Vergelijkbaar = gemeenten in dezelfde CBS-grootteklasse ({band} inwoners, {n} gemeenten, inwoners {year}).",
        "Similar = municipalities in the same CBS size class ({band} inhabitants, {n} municipalities, population "
        "{year}).",
    ),
    "zero_filled_note": (
        "Gemeenten die de bron niet noemt tellen mee als 0, net als in de totalen van provincie en Nederland.",
        "Municipalities the source does not list count as 0, as in the province and national totals.",
    ),
    "gm_not_yet": (" (bestond toen nog niet)", " (did not exist yet)"),
    "gm_no_more": (" (bestond toen niet meer)", " (no longer existed)"),
    "gm_trend": ("Verloop", "Trend"),
    "gm_no_value": ("Geen waarde voor deze gemeente.", "No value for this municipality."),
    "gm_former": (
        "{name} bestond tot en met {year}; de cijfers staan op de grenzen van dat jaar.",
        "{name} existed up to and including {year}; figures are on that year's boundaries.",
    ),
    "gm_from_predecessors": (
        "{name} bestond in {year} nog niet. Deze cijfers zijn opgeteld uit de gemeenten waaruit {name} is "
        "ontstaan: {parts}.",
        "{name} did not exist yet in {year}. These figures add up the municipalities {name} was formed from: {parts}.",
    ),
    "gm_area_share": (
        "Percentages: het deel van die gemeente dat nu bij {name} hoort, naar oppervlakte; zo is ook haar "
        "aantal meegeteld (een schatting).",
        "Percentages: the part of that municipality that now belongs to {name}, by area; its count is shared "
        "out the same way (an estimate).",
    ),
    "gm_absent": (
        "{name} ({code}) komt in deze bron niet voor{detail}.",
        "{name} ({code}) does not appear in this source{detail}.",
    ),
    # Vergelijk
    "vg_intro": (
        "Tot {n} gemeenten of provincies naast elkaar op één indicator.",
        "Up to {n} municipalities or provinces side by side on one indicator.",
    ),
    "vg_bars": ("{indicator}, {period}", "{indicator}, {period}"),
    "vg_time": ("{indicator} door de tijd", "{indicator} over time"),
    "vg_pick": ("Kies ten minste één regio.", "Pick at least one region."),
    "vg_no_values": (
        "Geen van de gekozen gebieden heeft een waarde voor deze indicator in {period}; kies andere gebieden of "
        "een andere periode.",
        "None of the chosen areas has a value for this indicator in {period}; pick other areas or another period.",
    ),
    "vg_from_predecessors": (
        "{names}: bestond in {year} nog niet; opgeteld uit de gemeenten waaruit het is ontstaan (zie de Gemeente-"
        "pagina en de kolom computed_from in de CSV).",
        "{names}: did not exist yet in {year}; added up from the municipalities it was formed from (see the "
        "Municipality page and the computed_from column in the CSV).",
    ),
    "vg_single_period": (
        "Deze indicator heeft maar één periode; een tijdreeks is er niet.",
        "This indicator has a single period; there is no time series.",
    ),
    "vg_time_codes": (
        "Een tijdreeks volgt de regiocode; na een herindeling begint de nieuwe gemeente een eigen reeks.",
        "A time series follows the region code; after a merger the new municipality starts its own series.",
    ),
    # Bronnen
    "br_sources": ("Bronnen", "Sources"),
    "br_glossary": ("Begrippen", "Terms"),
    "br_indicators": ("Indicatoren", "Indicators"),
    "br_downloads": ("Downloads", "Downloads"),
    "br_gaps": ("Ontbrekende bronnen", "Missing sources"),
    "br_dl_sources": ("Bronnen (CSV)", "Sources (CSV)"),
    "br_dl_indicators": ("Indicatoren (CSV)", "Indicators (CSV)"),
    "br_dl_observations": ("Alle waarnemingen met bron (CSV)", "All observations with source (CSV)"),
    "br_dl_locations": ("COA-locaties 2015 (CSV)", "COA locations 2015 (CSV)"),
    "br_dl_regions": ("Regio's en provincie per jaar (CSV)", "Regions and province per year (CSV)"),
    "col_publisher": ("Uitgever", "Publisher"),
    "col_title": ("Tabel of document", "Table or document"),
    "col_table_id": ("Tabelnummer", "Table id"),
    "col_reference_date": ("Peildatum", "Reference date"),
    "col_licence": ("Licentie", "Licence"),
    "col_retrieved": ("Opgehaald", "Retrieved"),
    "col_checksum": ("Controlegetal (SHA-256)", "Checksum (SHA-256)"),
    "col_status": ("Status", "Status"),
    "col_url": ("Adres", "Address"),
    "col_file": ("Bestand", "File"),
    "col_notes": ("Opmerking", "Note"),
    "col_term": ("Begrip", "Term"),
    "col_definition": ("Betekenis", "Meaning"),
    "col_theme": ("Thema", "Theme"),
    "col_unit": ("Eenheid", "Unit"),
    "col_topic": ("Onderwerp", "Topic"),
    "col_periods": ("Perioden", "Periods"),
    # A stored copy has no download time of its own; where it was copied from is in its notes.
    "retrieved_unknown": ("opgeslagen kopie (zie toelichting)", "stored copy (see notes)"),
    # Embed
    "em_view_map": ("kaart", "map"),
    "em_view_chart": ("grafiek", "chart"),
    "em_view_table": ("tabel", "table"),
}

# The glossary of the Bronnen & begrippen page: term -> (Dutch definition, English definition).
GLOSSARY: tuple[tuple[str, str, str, str], ...] = (
    (
        "asielzoeker",
        "asylum seeker",
        "Iemand die in Nederland om bescherming (asiel) vraagt en op de beslissing wacht. Woont meestal in een "
        "COA-locatie.",
        "A person who asks for protection (asylum) in the Netherlands and awaits the decision. Usually lives at a "
        "COA location.",
    ),
    (
        "statushouder / vergunninghouder",
        "permit holder",
        "Een asielzoeker die een verblijfsvergunning asiel heeft gekregen. Vanaf dat moment moet een gemeente hem "
        "of haar huisvesten; beide woorden betekenen hetzelfde.",
        "An asylum seeker who has been granted an asylum residence permit. From then on a municipality must house "
        "them; both Dutch words mean the same.",
    ),
    (
        "nareiziger",
        "family reunification arrival",
        "Een gezinslid (partner of kind) dat via gezinshereniging naar een statushouder in Nederland komt. "
        "Nareizigers tellen mee in de taakstelling.",
        "A family member (partner or child) who joins a permit holder in the Netherlands through family "
        "reunification. They count towards the housing target.",
    ),
    (
        "taakstelling",
        "housing target",
        "Het aantal vergunninghouders dat een gemeente per halfjaar moet huisvesten, naar rato van het aantal "
        "inwoners (Huisvestingswet 2014).",
        "The number of permit holders a municipality must house per half-year, in proportion to its population "
        "(Housing Act 2014).",
    ),
    (
        "gecorrigeerde taakstelling",
        "corrected target",
        "De taakstelling plus de achterstand, of min de voorsprong, waarmee de gemeente het halfjaar begon.",
        "The target plus the backlog, or minus the lead, the municipality carried into the half-year.",
    ),
    (
        "achterstand / voorsprong",
        "backlog / lead",
        "Het verschil tussen de gecorrigeerde taakstelling en het aantal gehuisveste vergunninghouders: positief "
        "is achterstand (nog te huisvesten), negatief is voorsprong.",
        "The difference between the corrected target and the number of permit holders housed: positive is a "
        "backlog (still to house), negative is a lead.",
    ),
    (
        "noodopvang",
        "emergency reception",
        "Tijdelijke opvang (sporthal, paviljoen, hotel) als de gewone COA-locaties vol zijn; vaak voor dagen of "
        "weken en met minder voorzieningen.",
        "Temporary shelter (sports hall, pavilion, hotel) when regular COA locations are full; often for days or "
        "weeks and with fewer facilities.",
    ),
    (
        "COA",
        "COA",
        "Centraal Orgaan opvang asielzoekers: het zelfstandig bestuursorgaan (onder JenV) dat asielzoekers "
        "opvangt en begeleidt tot vertrek of huisvesting.",
        "Central Agency for the Reception of Asylum Seekers: the independent agency (under Justice) that houses "
        "asylum seekers until they leave or are housed.",
    ),
    (
        "azc",
        "azc",
        "Asielzoekerscentrum: een reguliere COA-opvanglocatie.",
        "Asylum seekers' centre: a regular COA reception location.",
    ),
    (
        "per 1.000 inwoners",
        "per 1,000 inhabitants",
        "Waarde gedeeld door het aantal inwoners op 1 januari van hetzelfde jaar, maal 1.000. Zo zijn grote en "
        "kleine gemeenten te vergelijken.",
        "Value divided by the population on 1 January of the same year, times 1,000, so that large and small "
        "municipalities can be compared.",
    ),
)

# Babel's locale data: Dutch as written in the Netherlands, English as in the United Kingdom (day month year).
LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def _month(start: date, lang: str) -> str:
    return get_month_names("wide", locale=LOCALES[lang])[start.month]


def t(key: str, lang: str = DEFAULT_LANG, **fields: object) -> str:
    """The label for ``key`` in ``lang``, with ``{fields}`` filled in."""
    nl, en = LABELS[key]
    text = en if lang == "en" else nl
    return text.format(**fields) if fields else text


def period_label(start: date, period_type: str, lang: str = DEFAULT_LANG) -> str:
    """CBS style in Dutch ('2016 1e helft'); the same pattern in English ('2016 1st half')."""
    if lang != "en":
        return cbs_label(start, period_type)
    if period_type == "year":
        return str(start.year)
    if period_type == "half":
        return f"{start.year} {'1st' if start.month < 7 else '2nd'} half"
    if period_type == "quarter":
        quarter = (start.month - 1) // 3 + 1
        return f"{start.year} {('1st', '2nd', '3rd', '4th')[quarter - 1]} quarter"
    if period_type == "month":
        return f"{start.year} {_month(start, lang)}"
    if period_type == "day":
        return f"{start.day} {_month(start, lang)} {start.year}"
    raise ValueError(f"unknown period type {period_type!r}")


def fmt_number(value: float | None, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """12345.6 -> '12.346' (nl) or '12,346' (en); None/NaN -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES.get(lang, LOCALES[DEFAULT_LANG]))


def fmt_value(value: float | None, unit: str, lang: str = DEFAULT_LANG) -> str:
    """A value in its unit: percentages with one decimal and a % sign, counts as whole numbers."""
    if unit == "procent":
        text = fmt_number(value, lang, 1)
        return text if text == "–" else f"{text}%"
    return fmt_number(value, lang, 0)


def fmt_rate(value: float | None, lang: str = DEFAULT_LANG) -> str:
    return fmt_number(value, lang, 2)


def fmt_age(since: date, today: date, lang: str = DEFAULT_LANG) -> str:
    """How long ago ``since`` is, in the reader's language: '10 jaar geleden' / '10 years ago' (Babel)."""
    return format_timedelta(since - today, threshold=1.0, add_direction=True, locale=LOCALES[lang])


def fmt_date(day: date | None, lang: str = DEFAULT_LANG) -> str:
    if day is None:
        return "–"
    return period_label(day, "day", lang)


def unit_label(unit: str, lang: str = DEFAULT_LANG) -> str:
    key = f"unit_{unit}"
    return t(key, lang) if key in LABELS else unit


def level_label(level: str, lang: str = DEFAULT_LANG) -> str:
    key = f"level_{level}"
    return t(key, lang) if key in LABELS else level
