"""Generate three fictional Dutch schoolondersteuningsprofielen (SOPs) for demos and tests.

    python examples/generate.py            # writes examples/docs/*.{pdf,docx,md}

The schools, people, addresses, phone numbers and figures are invented. The structure follows the
model SOP of the Haaglanden region (numbered chapters, a fixed regional text per theme followed by
"Op onze school: ..."), but every sentence was written for these examples.

The output is deterministic: no randomness, fixed PDF/DOCX metadata, reportlab's invariant mode and
normalised zip timestamps in the .docx, so running the script twice gives byte-identical files.
"""

from __future__ import annotations

import datetime as _dt
import html
import io
import re
import sys
import zipfile
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "docs"

# --------------------------------------------------------------------------------------------------
# A tiny document model shared by the three renderers.
#   ("title", text)                 title of the document (cover)
#   ("subtitle", text)              line under the title
#   ("h1", text) / ("h2", text) / ("h3", text)
#   ("p", text)                     paragraph; **bold** is the only markup
#   ("note", text)                  italic paragraph (e.g. "Onderstaande tekst is een vaste tekst ...")
#   ("bullets", [text, ...]) / ("numbered", [text, ...])
#   ("table", header, rows, widths, show_header)   widths are relative column widths
#   ("pagebreak",)                  page break (PDF and DOCX; ignored in Markdown)
# --------------------------------------------------------------------------------------------------

REGIONAL_NOTE = "Onderstaande tekst is een vaste tekst voor alle scholen in Haaglanden."


def H1(t):
    return ("h1", t)


def H2(t):
    return ("h2", t)


def H3(t):
    return ("h3", t)


def P(t):
    return ("p", t)


def NOTE(t=REGIONAL_NOTE):
    return ("note", t)


def UL(*items):
    return ("bullets", list(items))


def OL(*items):
    return ("numbered", list(items))


def TABLE(header, rows, widths=None, show_header=True):
    widths = widths or [1] * len(header)
    return ("table", list(header), [list(r) for r in rows], list(widths), show_header)


def KV(rows, widths=(2, 3)):
    """Two-column key/value table without a visible header (contact details and the like)."""
    return TABLE(("Onderdeel", "Gegevens"), rows, widths, show_header=False)


PAGEBREAK = ("pagebreak",)


# --------------------------------------------------------------------------------------------------
# Regional texts (the same for every school in the region; paraphrased for these examples)
# --------------------------------------------------------------------------------------------------

def regional_basisondersteuning():
    return [
        NOTE(),
        P(
            "Basisondersteuning is de ondersteuning die iedere school binnen het samenwerkingsverband "
            "Haaglanden aan al haar leerlingen biedt. Het is de gezamenlijke ondergrens: wat een school "
            "minimaal kan bieden zonder dat daarvoor een aanvraag bij het samenwerkingsverband nodig is. "
            "Iedere school ontvangt jaarlijks een bijdrage van het samenwerkingsverband om de "
            "basisondersteuning te versterken, bijvoorbeeld voor het organiseren van een multidisciplinair "
            "overleg (MDO) of voor de inzet van preventieve en licht curatieve interventies. De "
            "basisondersteuning bestaat uit drie onderdelen:"
        ),
        UL(
            "A. Basiskwaliteit;",
            "B. Planmatig werken volgens de uitgangspunten van handelingsgericht werken, met een "
            "ondersteuningsstructuur in de school;",
            "C. Preventieve en curatieve interventies.",
        ),
    ]


REGIONAL_BASISKWALITEIT = (
    "Op alle scholen in Haaglanden is de basiskwaliteit op orde wanneer de Inspectie van het Onderwijs de "
    "school ten minste als voldoende beoordeelt. Scholen met het oordeel onvoldoende of zeer zwak werken "
    "met een verbeterplan en worden daarbij ondersteund door hun bestuur."
)

REGIONAL_HGW = (
    "Op alle scholen in Haaglanden wordt planmatig en handelingsgericht gewerkt. De school stemt het "
    "onderwijs af op wat leerlingen nodig hebben, werkt doelgericht en cyclisch (waarnemen, begrijpen, "
    "plannen en realiseren), betrekt ouders en leerlingen als partners en kijkt naast belemmerende ook "
    "naar stimulerende factoren bij de leerling, de groep, de leerkracht en thuis. Elke school heeft een "
    "ondersteuningsstructuur waarin de rol van de leerkracht, de intern begeleider, de directie en externe "
    "partners is beschreven."
)

REGIONAL_THEMES = {
    "klimaat": (
        "Een veilig en positief pedagogisch klimaat",
        "Op alle scholen in Haaglanden werken leerkrachten aan een veilig en positief pedagogisch klimaat. "
        "Er zijn school- en groepsafspraken die met de leerlingen worden besproken, zichtbaar zijn in de "
        "school en consequent worden nageleefd. De school meet jaarlijks de sociale veiligheid van de "
        "leerlingen.",
    ),
    "pesten": (
        "Pesten voorkomen en aanpakken",
        "Op alle scholen in Haaglanden is een anti-pestprotocol aanwezig en is er een aanspreekpunt voor "
        "pesten. Pestincidenten worden vastgelegd en met de betrokken leerlingen en hun ouders besproken.",
    ),
    "signaleren": (
        "Vroegtijdig signaleren",
        "Op alle scholen in Haaglanden worden leer-, gedrags- en ontwikkelingsproblemen vroegtijdig "
        "gesignaleerd. De school gebruikt een leerlingvolgsysteem voor zowel de cognitieve als de "
        "sociaal-emotionele ontwikkeling en onderneemt tijdig actie als de ontwikkeling stagneert.",
    ),
    "dyslexie": (
        "Leesproblemen en dyslexie",
        "Op alle scholen in Haaglanden wordt gewerkt volgens het Protocol Leesproblemen en Dyslexie. "
        "Leerlingen met (een vermoeden van) dyslexie krijgen extra begeleiding en, waar nodig, "
        "compenserende en dispenserende maatregelen.",
    ),
    "dyscalculie": (
        "Rekenproblemen en dyscalculie",
        "Op alle scholen in Haaglanden wordt gewerkt volgens het Protocol Ernstige "
        "Reken-Wiskundeproblemen en Dyscalculie (ERWD). Leerlingen met hardnekkige rekenproblemen krijgen "
        "extra instructie en oefentijd.",
    ),
    "begaafdheid": (
        "Meer- en minderbegaafde leerlingen",
        "Op alle scholen in Haaglanden is er een passend aanbod voor leerlingen met een meer dan gemiddelde "
        "intelligentie en voor leerlingen die de leerstof in een lager tempo of op een lager niveau "
        "verwerken. Het aanbod wordt afgestemd door te compacten, te verrijken en zo nodig met een eigen "
        "leerlijn.",
    ),
    "medisch": (
        "Medisch handelen en fysieke toegankelijkheid",
        "Op alle scholen in Haaglanden is een protocol medisch handelen aanwezig. Daarin staat welke "
        "medische handelingen medewerkers wel en niet mogen uitvoeren en hoe de school omgaat met het "
        "verstrekken van medicijnen.",
    ),
    "keten": (
        "Samenwerking met ketenpartners",
        "Op alle scholen in Haaglanden wordt structureel samengewerkt met ketenpartners, zoals de "
        "jeugdgezondheidszorg (JGZ), het schoolmaatschappelijk werk, het Centrum voor Jeugd en Gezin en "
        "de leerplichtambtenaar. Vragen die het onderwijs overstijgen worden samen met ouders en deze "
        "partners opgepakt.",
    ),
}


def regional_theme(key, school_text):
    title, regional = REGIONAL_THEMES[key]
    return [H3(title), P(regional), P("**Op onze school:** " + school_text)]


def regional_extra_ondersteuning():
    return [
        NOTE(),
        P(
            "Op alle scholen in Haaglanden kunnen leerlingen die meer nodig hebben dan de basisondersteuning "
            "in aanmerking komen voor extra ondersteuning. Dat kan een arrangement van het "
            "samenwerkingsverband zijn, de inzet van jeugdhulp in of om de school, of een plaatsing in het "
            "speciaal basisonderwijs (SBO) of het speciaal onderwijs (SO) met een toelaatbaarheidsverklaring "
            "(TLV). De extra ondersteuning wordt besproken in een multidisciplinair overleg (MDO) met de "
            "ouders en, als dat kan, met de leerling zelf. De adviseur passend onderwijs van het "
            "samenwerkingsverband denkt daarbij mee. De intern begeleider is voor ouders het aanspreekpunt."
        ),
    ]


def regional_zorgplicht():
    return [
        NOTE(),
        P(
            "Sinds de invoering van de Wet passend onderwijs hebben schoolbesturen zorgplicht. Het bestuur "
            "van de school waar een leerling schriftelijk wordt aangemeld, onderzoekt of de school de "
            "leerling passend onderwijs kan bieden, zo nodig met extra ondersteuning. Na de schriftelijke "
            "aanmelding heeft de school **zes weken** de tijd om te onderzoeken welke onderwijs- en "
            "ondersteuningsbehoeften de leerling heeft en of zij daaraan kan voldoen. Deze termijn kan "
            "eenmalig met ten hoogste **vier weken** worden verlengd; de school laat dat de ouders "
            "schriftelijk weten. Kan de school de benodigde ondersteuning niet bieden, dan zoekt zij samen "
            "met de ouders een passende plek op een andere school die de leerling wil toelaten."
        ),
        P(
            "De zorgplicht betekent ook dat een school een leerling pas mag verwijderen als een andere "
            "school bereid is gevonden de leerling toe te laten. Een school mag een leerling weigeren als "
            "de school vol is, mits zij een consequent en openbaar toelatingsbeleid voert. Thuisnabij "
            "onderwijs is het uitgangspunt. Bij een tussentijdse overstap nemen scholen altijd contact met "
            "elkaar op voordat een leerling wordt ingeschreven."
        ),
    ]


# ==================================================================================================
# School 1: OBS De Regenboog, Delft (PDF)
# ==================================================================================================

def regenboog():
    name = "OBS De Regenboog"
    b = []
    b += [
        ("title", "Schoolondersteuningsprofiel 2023-2027"),
        ("subtitle", "OBS De Regenboog, openbare basisschool in Delft"),
        KV(
            [
                ("Bestuur", "Stichting Openbaar Onderwijs Delftse Kring"),
                ("Samenwerkingsverband", "Passend onderwijs Haaglanden"),
                ("Vastgesteld door het bestuur", "20 juni 2023"),
                ("Advies medezeggenschapsraad", "positief advies op 6 juni 2023"),
                ("Looptijd", "1 augustus 2023 tot en met 31 juli 2027"),
            ]
        ),
        H2("Inleiding"),
        P(
            "Voor u ligt het schoolondersteuningsprofiel (SOP) van OBS De Regenboog. Iedere school is "
            "wettelijk verplicht eens in de vier jaar een schoolondersteuningsprofiel op te stellen. Het "
            "team heeft dit profiel in het voorjaar van 2023 geschreven; de medezeggenschapsraad heeft er "
            "advies over gegeven en het bestuur heeft het vastgesteld. In dit profiel leest u welke "
            "ondersteuning wij aan alle leerlingen bieden (de basisondersteuning), welke extra "
            "ondersteuning mogelijk is en waar voor ons de grenzen liggen."
        ),
        P(
            "Het profiel heeft drie functies. Het geeft ouders inzicht in wat onze school kan bieden, het "
            "helpt het samenwerkingsverband om te bepalen of alle scholen samen een dekkend netwerk van "
            "passend onderwijs vormen, en het is voor ons team een houvast wanneer we afwegen of we een "
            "leerling met een specifieke ondersteuningsbehoefte goed kunnen begeleiden. Ouders die na het "
            "lezen nog vragen hebben, kunnen contact opnemen met een van onze intern begeleiders."
        ),
        PAGEBREAK,
        H1("1. Contactgegevens van de school"),
        KV(
            [
                ("School", name),
                ("Brinnummer", "99XA"),
                ("Adres", "Watersnipweg 42, 2623 AB Delft"),
                ("Telefoon", "015-2101234"),
                ("Website", "www.obs-deregenboog.example"),
                ("Algemeen e-mailadres", "info@obs-deregenboog.example"),
                ("Naam directeur", "Marieke van den Berg"),
                ("E-mail directeur", "m.vandenberg@obs-deregenboog.example"),
                ("Aantal intern begeleiders", "2"),
                ("Verdeling intern begeleiders", "Sanne Verhoeven (groep 1-4), Joost de Wit (groep 5-8)"),
            ]
        ),
        H3("Kengetallen"),
        TABLE(
            ("Kengetal", "2020-2021", "2021-2022", "2022-2023"),
            [
                ("Leerlingaantal per 1 oktober", "298", "305", "312"),
                ("Aantal groepen", "12", "13", "13"),
                ("Schoolweging", "29,1", "29,3", "29,4"),
                ("Verwijzingen naar SBO/SO", "2", "1", "3"),
                ("Leerlingen met een arrangement", "4", "5", "6"),
            ],
            (3, 1, 1, 1),
        ),
        P(
            "De school telt op 1 oktober 2022 **312 leerlingen** in 13 groepen. De groepen 1-2 zijn "
            "heterogeen samengesteld (vier kleutergroepen); voor groep 3 tot en met 8 zijn er negen "
            "groepen, waaronder één combinatiegroep 6/7. De gemiddelde groepsgrootte is 24 leerlingen."
        ),
        H1("2. Visie op passend onderwijs"),
        P(
            "OBS De Regenboog is een openbare basisschool in de wijk Tanthof. Kinderen van alle "
            "achtergronden zijn bij ons welkom; we zien die verscheidenheid als een kracht. Ons motto is "
            "\u201cIeder kind een eigen kleur\u201d: we willen dat kinderen zich gezien voelen, met plezier "
            "leren en hun talenten ontdekken. Wij gaan uit van de drie basisbehoeften relatie, competentie "
            "en autonomie. Een kind dat zich veilig voelt en vertrouwen heeft in eigen kunnen, komt tot "
            "leren."
        ),
        P(
            "Passend onderwijs begint bij de leerkracht in de groep. Onze leerkrachten geven les volgens het "
            "expliciete directe instructiemodel (EDI) en werken met drie instructieniveaus: een verkorte "
            "instructie, de basisinstructie en een verlengde instructie aan de instructietafel. Zo kunnen "
            "we binnen de groep afstemmen op verschillen tussen kinderen. Wanneer dat niet genoeg is, "
            "zetten we samen met de intern begeleider extra ondersteuning in, zo veel mogelijk in de eigen "
            "groep en altijd in overleg met de ouders."
        ),
        P(
            "We vinden het belangrijk dat ouders en school samen optrekken. Aan het begin van elk "
            "schooljaar voeren we met alle ouders een startgesprek, waarin ouders vertellen wat zij van hun "
            "kind weten en wat zij van de school verwachten. Vanaf groep 5 sluiten de kinderen zelf aan bij "
            "deze gesprekken. Ook kinderen zijn eigenaar van hun leerproces: zij stellen in kindgesprekken "
            "samen met de leerkracht eigen doelen en bespreken hun voortgang."
        ),
        PAGEBREAK,
        H1("3. Basisondersteuning"),
    ]
    b += regional_basisondersteuning()
    b += [
        H2("3.A Basiskwaliteit"),
        P(REGIONAL_BASISKWALITEIT),
        P(
            "**Op onze school:** de inspectie heeft OBS De Regenboog op 14 november 2022 bezocht in het "
            "kader van het vierjaarlijks onderzoek bij het bestuur. De basiskwaliteit is op orde; de "
            "standaarden Zicht op ontwikkeling en Veiligheid zijn als voldoende beoordeeld en de standaard "
            "Pedagogisch klimaat als goed. De school valt onder het basistoezicht."
        ),
        H2("3.B Planmatig werken / handelingsgericht werken"),
        P(REGIONAL_HGW),
        P(
            "**Op onze school:** werken wij in een cyclus van drie perioden per schooljaar. Elke periode "
            "begint met een groepsoverzicht en een groepsplan per vakgebied en eindigt met een analyse van "
            "de resultaten. We volgen de leerlingen met het leerlingvolgsysteem van Cito (Leerling in "
            "beeld) voor technisch lezen, begrijpend lezen, spelling en rekenen, en met ZIEN! voor de "
            "sociaal-emotionele ontwikkeling. Bij de kleuters gebruiken we het observatie-instrument KIJK!."
        ),
        H3("Zorgniveaus"),
        P("Wij beschrijven de ondersteuning in vier zorgniveaus:"),
        UL(
            "**Zorgniveau 1** \u2013 algemene zorg in de groep: goed onderwijs volgens het groepsplan, met "
            "differentiatie in instructie en verwerking. De leerkracht is verantwoordelijk.",
            "**Zorgniveau 2** \u2013 extra zorg in de groep: de leerkracht biedt verlengde instructie of "
            "extra oefening aan een subgroep of een individuele leerling en legt dit vast in het groepsplan.",
            "**Zorgniveau 3** \u2013 speciale zorg na interne consultatie: de leerkracht bespreekt de "
            "leerling met de intern begeleider. Er volgt nader onderzoek, een handelingsplan of inzet van "
            "de leesspecialist of de remedial teacher, eventueel buiten de groep.",
            "**Zorgniveau 4** \u2013 zorg met externe deskundigen: de ondersteuningsbehoefte overstijgt wat "
            "de school zelf kan bieden. De leerling wordt besproken in het MDO en er wordt zo nodig een "
            "arrangement bij het samenwerkingsverband aangevraagd.",
        ),
        H3("Groepsbesprekingen"),
        P(
            "Drie keer per jaar, in **oktober, februari en juni**, voert iedere leerkracht een "
            "groepsbespreking met de intern begeleider van zijn of haar bouw. In februari schuift ook de "
            "directeur aan. Tijdens de groepsbespreking worden de resultaten en het welbevinden van alle "
            "leerlingen besproken, wordt het groepsplan geëvalueerd en worden de doelen voor de volgende "
            "periode vastgesteld. Leerlingen over wie de leerkracht zich zorgen maakt, worden daarna in een "
            "aparte leerlingbespreking met de intern begeleider besproken. De bespreking in juni is tevens "
            "de overdracht naar de nieuwe leerkracht."
        ),
        H3("De intern begeleider"),
        P(
            "De school heeft **twee intern begeleiders (IB'ers)**: Sanne Verhoeven voor groep 1 tot en met "
            "4 en Joost de Wit voor groep 5 tot en met 8. Samen hebben zij 1,2 fte. De IB'er coördineert de "
            "ondersteuning, begeleidt leerkrachten met klassenbezoeken en coachingsgesprekken, houdt "
            "contact met ouders en externe partners en is voorzitter van het MDO. De IB'ers zijn op maandag, "
            "dinsdag en donderdag op school."
        ),
        H3("Multidisciplinair overleg (MDO)"),
        P(
            "Als een leerling meer nodig heeft dan wij in de basisondersteuning kunnen bieden, organiseert "
            "de IB'er een MDO. Daarbij zijn aanwezig: de ouders, de leerkracht, de intern begeleider, de "
            "adviseur passend onderwijs van het samenwerkingsverband (Els Vermeulen) en, afhankelijk van de "
            "vraag, de schoolmaatschappelijk werker (Karin Dijkstra), de jeugdverpleegkundige van de JGZ of "
            "een medewerker van het wijkteam. Gemiddeld vinden er ongeveer tien MDO's per schooljaar "
            "plaats. Ouders worden vooraf geïnformeerd over wie er aan tafel zitten. In het MDO worden "
            "afspraken gemaakt over de aanpak, over een eventueel onderzoek en over het aanvragen van een "
            "arrangement of een toelaatbaarheidsverklaring."
        ),
        H3("Ontwikkelingsperspectief (OPP)"),
        P(
            "Voor leerlingen die op een of meer vakgebieden een eigen leerlijn volgen of voor wie extra "
            "ondersteuning van het samenwerkingsverband wordt ingezet, stellen wij een "
            "ontwikkelingsperspectief (OPP) op. Daarin staan de verwachte uitstroombestemming, de doelen en "
            "de aanpak. Het OPP wordt twee keer per jaar met de ouders geëvalueerd; ouders hebben "
            "instemmingsrecht op het handelingsdeel. Op dit moment hebben zeven leerlingen een OPP."
        ),
        H2("3.C Preventieve en curatieve interventies"),
        P(
            "Hieronder staat per thema eerst wat alle scholen in de regio bieden en daarna wat onze school "
            "daar zelf aan toevoegt. Voor 2023 ontvangt de school van het samenwerkingsverband € 43.320 voor "
            "de basisondersteuning: een vaste voet van € 9.000 plus € 110 per leerling. Met deze financiële "
            "middelen betalen wij onder meer de leesspecialist, de remedial teacher (twee dagen per week) en "
            "de training Rots en Water."
        ),
    ]
    b += regional_theme(
        "klimaat",
        "wij werken schoolbreed met Positive Behavior Support (PBS). De vier schoolregels (we zijn "
        "veilig, we zijn respectvol, we zijn verantwoordelijk en we doen ons best) hangen in elke ruimte en "
        "worden in de eerste zes weken van het schooljaar, de Gouden Weken, met alle groepen geoefend. "
        "Gewenst gedrag wordt beloond met regenboogkaartjes.",
    )
    b += regional_theme(
        "pesten",
        "de anti-pestcoördinator is Fatima El Amrani, leerkracht van groep 6. Zij is voor kinderen en "
        "ouders direct aanspreekbaar. In groep 7 volgen alle leerlingen de weerbaarheidstraining Rots en "
        "Water (tien lessen). Twee keer per jaar vullen de leerlingen van groep 5 tot en met 8 een "
        "veiligheidsvragenlijst in.",
    )
    b += regional_theme(
        "signaleren",
        "in groep 1-2 observeren de leerkrachten met KIJK! en brengen zij in januari de ontwikkeling van "
        "alle kleuters in kaart. Vanaf groep 3 nemen wij twee keer per jaar de Cito-toetsen af. "
        "Zorgsignalen worden binnen twee weken met de IB'er besproken.",
    )
    b += regional_theme(
        "dyslexie",
        "onze leesspecialist Ingrid Bakker begeleidt zwakke lezers in groep 2 en 3 met het "
        "computerprogramma Bouw!, waarbij ouders als tutor meedoen. Leerlingen met een "
        "dyslexieverklaring krijgen een dyslexiekaart, extra tijd bij toetsen en voorleessoftware. "
        "Vergoede dyslexiezorg (EED) wordt op dinsdag en donderdag in ons gebouw gegeven door een externe "
        "behandelaar, zodat kinderen niet van school weg hoeven.",
    )
    b += regional_theme(
        "dyscalculie",
        "we werken met het ERWD-protocol, maar een specialist rekenen hebben wij nog niet. In 2023-2024 "
        "volgt een leerkracht de opleiding tot rekencoördinator. Tot die tijd bieden wij extra "
        "oefentijd in de groep en zetten wij bij hardnekkige problemen de remedial teacher in.",
    )
    b += regional_theme(
        "begaafdheid",
        "meer- en hoogbegaafde leerlingen krijgen een compact programma in de groep en werken met "
        "verrijkingsmateriaal (Levelwerk). Signalering gebeurt met het Digitaal Handelingsprotocol "
        "Hoogbegaafdheid (DHH). Een aparte plusklas hebben wij nog niet; in het schooljaar 2024-2025 "
        "starten wij een proef met een plusgroep voor groep 5 tot en met 8.",
    )
    b += regional_theme(
        "medisch",
        "ons gebouw uit 1974 heeft twee verdiepingen en **geen lift**. De groepen 5 tot en met 8 zitten "
        "op de eerste verdieping. Er is geen invalidetoilet. Medicijnen worden alleen verstrekt met "
        "schriftelijke toestemming van ouders; handelingen zoals injecteren voeren wij niet uit.",
    )
    b += regional_theme(
        "keten",
        "de schoolmaatschappelijk werker Karin Dijkstra is elke woensdagochtend op school. Vier keer per "
        "jaar is er een zorgoverleg met de jeugdverpleegkundige, de wijkagent en het wijkteam Delft-Zuid.",
    )
    b += [
        H1("4. Extra ondersteuning"),
    ]
    b += regional_extra_ondersteuning()
    b += [
        H2("4.A Expertise"),
        P(
            "In de onderstaande tabel staat welke specifieke expertise in ons team aanwezig is. Met "
            "\u201cIn ontwikkeling\u201d bedoelen we dat het team hier in de looptijd van dit profiel "
            "scholing in volgt of beleid voor opstelt."
        ),
        TABLE(
            ("Expertise", "Aanwezig", "Toelichting"),
            [
                ("Dyslexie", "Ja", "Leesspecialist (master SEN), Bouw! in groep 2-3, EED in de school"),
                ("Dyscalculie", "In ontwikkeling", "Opleiding rekencoördinator in 2023-2024"),
                ("Hoogbegaafdheid", "In ontwikkeling", "Verrijking in de groep; proef plusgroep vanaf 2024-2025"),
                ("Autisme", "Nee", "Ondersteuning via ambulant begeleider van het samenwerkingsverband"),
                ("Gedrag", "Ja", "Gedragsspecialist en PBS-coach in het team"),
                ("NT2/nieuwkomers", "In ontwikkeling", "Nieuwkomers starten in de Internationale Schakelklas"),
                ("Spraak-taal (TOS)", "Nee", "Advies via cluster 2-instelling"),
                ("Motoriek", "Ja", "Vakleerkracht bewegingsonderwijs, MRT-groepje in groep 3-4"),
                ("Zieke leerlingen", "Nee", "Consulent onderwijs aan zieke leerlingen wordt ingeschakeld"),
                ("Faalangst", "Ja", "Faalangstreductietraining in groep 7 en 8"),
            ],
            (2.2, 1.6, 5),
        ),
        H2("4.B Samenwerking met externe partners"),
        P(
            "Naast de eigen expertise werken wij samen met een aantal vaste partners. Zij komen op "
            "afroep of op vaste momenten in de school:"
        ),
        UL(
            "Adviseur passend onderwijs van het samenwerkingsverband (Els Vermeulen), zes dagdelen per jaar;",
            "Schoolmaatschappelijk werk (Karin Dijkstra), elke woensdagochtend;",
            "Jeugdgezondheidszorg: jeugdarts en jeugdverpleegkundige;",
            "Logopedie: screening van alle vijfjarigen, behandeling in een praktijk in de wijk;",
            "Kinderfysiotherapie: behandeling op vrijdag in de speelzaal;",
            "Externe dyslexiebehandelaar (EED), op dinsdag en donderdag in de school.",
        ),
        H2("4.C Ondersteuningsvoorzieningen / gebouw"),
        TABLE(
            ("Voorziening", "Aanwezig in de school"),
            [
                ("Rolstoelvriendelijk", "Nee"),
                ("Lift", "Nee"),
                ("Invalidetoilet", "Nee"),
                ("Aangepast meubilair", "Ja"),
                ("Prikkelarme werkplek", "Ja"),
                ("Ringleiding (slechthorend)", "Nee"),
                ("Aanpassingen voor slechtziende leerlingen", "Nee"),
                ("Time-outruimte", "Nee"),
                ("Gespreksruimte", "Ja"),
            ],
            (3, 2),
        ),
        P(
            "Het gebouw is niet rolstoelvriendelijk: de hoofdingang heeft drie treden en er is geen lift "
            "naar de eerste verdieping. Op de gang van elke bouw staan twee prikkelarme werkplekken met "
            "schotten. Voor leerlingen met een motorische beperking hebben wij verstelbare tafels en stoelen."
        ),
        H1("5. Grenzen aan de ondersteuning"),
        H2("5.A Aanmelding"),
        P(
            "Ouders kunnen hun kind vanaf de leeftijd van drie jaar aanmelden. Na een rondleiding door de "
            "directeur vullen ouders het aanmeldformulier in. Wanneer er aanwijzingen zijn dat een kind "
            "extra ondersteuning nodig heeft, vragen wij met toestemming van de ouders informatie op bij de "
            "voorschool of de vorige school en voert de IB'er een intakegesprek. Bij een tussentijdse "
            "overstap neemt de IB'er altijd contact op met de vorige school. Plaatsing is mede afhankelijk "
            "van de groepsgrootte en het aantal leerlingen met een extra ondersteuningsbehoefte in de groep."
        ),
    ]
    b += regional_zorgplicht()
    b += [
        H2("5.B Wanneer is voor ons de grens bereikt?"),
        P(
            "Wij willen zo veel mogelijk kinderen uit de wijk passend onderwijs bieden. Toch zijn er "
            "situaties waarin wij een leerling niet de ondersteuning kunnen geven die hij of zij nodig "
            "heeft. Dat is het geval wanneer de veiligheid van de leerling of van anderen niet langer "
            "gewaarborgd is, wanneer de leerling zich niet meer ontwikkelt of wanneer de begeleiding zo veel "
            "tijd vraagt dat het onderwijs aan de rest van de groep in het gedrang komt."
        ),
        P("**Grens:**"),
        UL(
            "Leerlingen die rolstoelafhankelijk zijn of blijvend niet zelfstandig trappen kunnen lopen; ons "
            "gebouw heeft geen lift en groep 5 tot en met 8 zit op de eerste verdieping.",
            "Leerlingen met een ernstige verstandelijke beperking (IQ lager dan 70) die een eigen leerlijn "
            "ver onder het niveau van de groep nodig hebben.",
            "Leerlingen die gedurende de hele schooldag één-op-één begeleiding nodig hebben.",
            "Leerlingen met ernstig agressief gedrag waardoor de veiligheid van de leerling zelf, "
            "medeleerlingen of medewerkers herhaaldelijk in gevaar komt.",
            "Leerlingen die verpleegkundige handelingen nodig hebben die buiten ons protocol medisch "
            "handelen vallen, zoals sondevoeding.",
            "Blinde of dove leerlingen.",
        ),
        P("**Grensgebied:** (per leerling bekijken wij in een MDO of wij passende ondersteuning kunnen bieden)"),
        UL(
            "Leerlingen met autisme die een groot deel van de dag een prikkelarme leeromgeving nodig hebben;",
            "Slechtziende of slechthorende leerlingen;",
            "Leerlingen met een taalontwikkelingsstoornis (TOS);",
            "Hoogbegaafde leerlingen met ernstige gedrags- of motivatieproblemen;",
            "Nieuwkomers die nog geen Nederlands spreken;",
            "Leerlingen met epilepsie of diabetes die hulp bij medicatie nodig hebben;",
            "Leerlingen met ADHD in combinatie met oppositioneel gedrag.",
        ),
        P(
            "Als blijkt dat wij een leerling niet (meer) passend kunnen ondersteunen, zoeken wij samen met "
            "de ouders en de adviseur passend onderwijs naar een school die dat wel kan."
        ),
        H1("6. Ontwikkelplan"),
        P(
            "In de periode 2023-2027 willen wij de ondersteuning op de volgende punten verder "
            "ontwikkelen. De doelen worden elk jaar uitgewerkt in het jaarplan en in juni geëvalueerd met "
            "het team en de medezeggenschapsraad."
        ),
        TABLE(
            ("Schooljaar", "Doel"),
            [
                ("2023-2024", "Een leerkracht rondt de opleiding rekencoördinator af; het ERWD-protocol wordt "
                              "schoolbreed ingevoerd."),
                ("2024-2025", "Proef met een plusgroep voor meer- en hoogbegaafde leerlingen van groep 5-8, "
                              "één ochtend per week."),
                ("2025-2026", "Scholing van het hele team over NT2 en meertaligheid; een beleidsplan voor de "
                              "opvang van nieuwkomers."),
                ("2026-2027", "Bij de geplande renovatie van het gebouw onderzoekt het bestuur de plaatsing "
                              "van een lift en een invalidetoilet."),
            ],
            (1.2, 5),
        ),
        P(
            "Daarnaast blijven wij investeren in de kwaliteit van de basisondersteuning: de IB'ers leggen "
            "jaarlijks in elke groep minimaal twee klassenbezoeken af en het team werkt in "
            "professionele leergemeenschappen aan het effectief geven van instructie."
        ),
    ]
    return b


# ==================================================================================================
# School 2: Kindcentrum De Vlinder, Zoetermeer (DOCX)
# ==================================================================================================

def vlinder():
    name = "Kindcentrum De Vlinder"
    b = []
    b += [
        ("title", "Schoolondersteuningsprofiel 2022-2026"),
        ("subtitle", "Kindcentrum De Vlinder \u2013 onderwijs en opvang onder één dak, Zoetermeer"),
        H1("Voorwoord"),
        P(
            "Kindcentrum De Vlinder is een integraal kindcentrum voor kinderen van 0 tot 13 jaar. In ons "
            "gebouw werken de basisschool, de kinderopvang, de peuteropvang en de buitenschoolse opvang "
            "nauw samen. Dit schoolondersteuningsprofiel gaat over het onderwijsdeel van het kindcentrum. "
            "Waar wij \u201cschool\u201d schrijven, bedoelen wij de basisschool van De Vlinder."
        ),
        P(
            "In dit profiel beschrijven wij hoe wij passend onderwijs vormgeven: welke ondersteuning alle "
            "kinderen krijgen, welke extra ondersteuning wij kunnen organiseren en waar onze grenzen "
            "liggen. Het profiel is opgesteld door het team, besproken met de medezeggenschapsraad en "
            "vastgesteld door het bestuur van Stichting Kindcentra Zoetermeer op 12 juli 2022. Het profiel "
            "is geldig voor de schooljaren 2022-2023 tot en met 2025-2026."
        ),
        H1("1. Contactgegevens van de school"),
        KV(
            [
                ("School", name),
                ("Brinnummer", "99YB"),
                ("Adres", "Vlinderhof 3, 2718 KL Zoetermeer"),
                ("Telefoon", "079-3201234"),
                ("Website", "www.kc-devlinder.example"),
                ("Algemeen e-mailadres", "info@kc-devlinder.example"),
                ("Naam directeur", "Hans Kuipers"),
                ("Locatieleider opvang", "Priya Ramdin"),
                ("Aantal intern begeleiders", "3"),
                ("Verdeling intern begeleiders",
                 "Anouk de Groot (peuters en groep 1-2), Mehmet Yilmaz (groep 3-5), Lotte Janssen (groep 6-8)"),
            ]
        ),
        H2("Leerlingen en groepen"),
        TABLE(
            ("Groep(en)", "Aantal groepen", "Aantal leerlingen"),
            [
                ("Peuteropvang (VVE)", "2", "32"),
                ("1-2", "5", "118"),
                ("3", "2", "52"),
                ("4", "2", "55"),
                ("5", "2", "57"),
                ("6", "3", "64"),
                ("7", "2", "61"),
                ("8", "3", "61"),
            ],
            (2, 1.5, 1.5),
        ),
        P(
            "Op 1 oktober 2021 telde de basisschool **468 leerlingen** in 19 groepen. Daarnaast bezoeken "
            "32 peuters de peuteropvang, waarvan 14 met een indicatie voor voor- en vroegschoolse educatie "
            "(VVE). De schoolweging is 31,2. Het leerlingaantal groeit: de wijk Oosterheem wordt de "
            "komende jaren verder uitgebreid."
        ),
        H1("2. Visie op passend onderwijs"),
        P(
            "Bij De Vlinder mag ieder kind groeien op zijn eigen manier, net als een rups die een vlinder "
            "wordt. Wij geloven dat kinderen het beste leren in een doorgaande lijn, waarin opvang en "
            "onderwijs dezelfde pedagogische aanpak hanteren. Pedagogisch medewerkers en leerkrachten "
            "werken met dezelfde afspraken, dezelfde taal en hetzelfde kindvolgsysteem. Daardoor "
            "signaleren wij vroeg wat een kind nodig heeft, vaak al voordat het naar groep 1 gaat."
        ),
        P(
            "Passend onderwijs betekent voor ons: zo veel mogelijk kinderen uit de wijk een plek bieden en "
            "de ondersteuning naar het kind toe brengen. Wij werken met unit-onderwijs: in de middenbouw en "
            "bovenbouw vormen twee of drie groepen samen een unit met een vast team van leerkrachten en een "
            "onderwijsassistent. Binnen de unit worden kinderen per vak in instructiegroepen op niveau "
            "geplaatst. Zo kan een kind in groep 5 met de rekeninstructie van groep 6 meedoen, of juist "
            "extra instructie krijgen."
        ),
        P(
            "Ouders zijn onze belangrijkste partners. Zij kennen hun kind het best. Daarom voeren wij drie "
            "keer per jaar een ontwikkelgesprek met ouders en kind, en nodigen wij ouders uit om mee te "
            "denken zodra er zorgen zijn. Wij streven naar korte lijnen en een open, eerlijke communicatie."
        ),
        P(
            "Ruim een derde van onze kinderen groeit meertalig op. Wij zien meertaligheid als een "
            "rijkdom en niet als een probleem. Kinderen mogen hun thuistaal gebruiken om elkaar iets uit "
            "te leggen, en in de peutergroep en groep 1-2 werken wij met een doorgaande woordenschatlijn. "
            "Ouders die de Nederlandse taal nog leren, kunnen deelnemen aan de taalcafé-ochtenden die wij "
            "samen met de bibliotheek organiseren."
        ),
        H1("3. Basisondersteuning"),
    ]
    b += regional_basisondersteuning()
    b += [
        H2("3.A Basiskwaliteit"),
        P(REGIONAL_BASISKWALITEIT),
        P(
            "**Op onze school:** het laatste inspectiebezoek vond plaats op 14 maart 2022. De inspectie "
            "heeft de kwaliteit van het onderwijs als voldoende beoordeeld en de standaard Samenwerking als "
            "goed, mede vanwege de doorgaande lijn met de opvang. De school heeft een basisarrangement."
        ),
        H2("3.B Planmatig werken / handelingsgericht werken"),
        P(REGIONAL_HGW),
        P(
            "**Op onze school:** werken wij met het kindvolgsysteem Leerlijnen voor peuters en kleuters en "
            "met de toetsen van Boom LVS vanaf groep 3. De sociaal-emotionele ontwikkeling volgen wij met "
            "KanVAS, het volgsysteem van de Kanjertraining. Iedere unit werkt met een unitplan, dat na "
            "elke periode wordt geëvalueerd."
        ),
        H3("Ondersteuningsfasen"),
        P("De ondersteuning in ons kindcentrum is opgebouwd in vier fasen:"),
        TABLE(
            ("Fase", "Wat gebeurt er?", "Overleg met"),
            [
                ("Fase 1", "Goed onderwijs aan de hele groep, met instructie op drie niveaus in de unit.",
                 "Leerkracht en ouders"),
                ("Fase 2", "Extra instructie of begeleiding in een subgroep, vastgelegd in het unitplan.",
                 "Leerkracht, IB'er"),
                ("Fase 3", "Interne specialisten worden ingezet (gedragsspecialist, specialist "
                           "hoogbegaafdheid); zo nodig een individueel plan.",
                 "Leerkracht, IB'er, specialist, ouders"),
                ("Fase 4", "Externe ondersteuning en extra ondersteuning via het samenwerkingsverband; "
                           "een OPP wordt opgesteld.",
                 "MDO met ouders, adviseur passend onderwijs en ketenpartners"),
            ],
            (1, 4, 3),
        ),
        H3("Groepsbesprekingen"),
        P(
            "Vier keer per jaar, in **september, november, februari en juni**, bespreekt het unitteam alle "
            "leerlingen met de intern begeleider. De gedragsspecialist Bas Mulder sluit aan wanneer het "
            "welbevinden of gedrag van kinderen aandacht vraagt. In september staat het kennismaken met de "
            "groep centraal; in de overige besprekingen analyseren wij de resultaten, stellen wij de "
            "instructiegroepen bij en bepalen wij welke kinderen extra ondersteuning nodig hebben."
        ),
        H3("De intern begeleiders"),
        P(
            "De Vlinder heeft **drie intern begeleiders**: Anouk de Groot voor de peuters en groep 1-2, "
            "Mehmet Yilmaz voor groep 3 tot en met 5 en Lotte Janssen voor groep 6 tot en met 8. Samen "
            "vormen zij met de directeur het ondersteuningsteam, dat elke twee weken bijeenkomt. De IB'ers "
            "coördineren de ondersteuning, coachen leerkrachten en pedagogisch medewerkers, en zijn het "
            "aanspreekpunt voor ouders en externe partners."
        ),
        H3("Doorgaande lijn en overdracht"),
        P(
            "Bij elke overgang, van peuteropvang naar groep 1, van groep 2 naar groep 3 en tussen de units, "
            "vindt een warme overdracht plaats. De huidige en de nieuwe leerkracht of pedagogisch "
            "medewerker bespreken samen met de IB'er ieder kind. Voor kinderen met een extra "
            "ondersteuningsbehoefte worden de ouders bij dit gesprek uitgenodigd. Zo hoeft een kind niet "
            "opnieuw te bewijzen wat het nodig heeft. In groep 8 zorgt de IB'er voor een overdracht naar "
            "het voortgezet onderwijs, waarbij het OPP of een ondersteuningsplan wordt meegegeven."
        ),
        H3("MDO en OPP"),
        P(
            "Wanneer een kind in fase 4 komt, organiseert de IB'er een multidisciplinair overleg (MDO). "
            "Aan tafel zitten de ouders, de leerkracht, de IB'er, de adviseur passend onderwijs van het "
            "samenwerkingsverband (Rob Meijer), de jeugdverpleegkundige en, indien betrokken, een "
            "medewerker van het jeugdteam of een behandelaar. Waar mogelijk praat het kind zelf ook mee. "
            "Voor kinderen met een arrangement of een eigen leerlijn stellen wij een "
            "ontwikkelingsperspectief (OPP) op, dat twee keer per jaar met de ouders wordt besproken."
        ),
        H2("3.C Preventieve en curatieve interventies"),
    ]
    b += regional_theme(
        "klimaat",
        "in opvang en onderwijs werken wij met de Kanjertraining. Alle medewerkers, ook de pedagogisch "
        "medewerkers, zijn gecertificeerd. De vier Kanjerafspraken gelden in het hele gebouw, van de "
        "peutergroep tot groep 8.",
    )
    b += regional_theme(
        "pesten",
        "de anti-pestcoördinator is Bas Mulder, tevens gedragsspecialist. Kinderen kunnen een briefje in "
        "de \u201czorgenbus\u201d doen. Twee keer per jaar vullen alle kinderen vanaf groep 5 de "
        "KanVAS-vragenlijst in.",
    )
    b += regional_theme(
        "signaleren",
        "dankzij de peuteropvang in ons gebouw beginnen wij al bij tweeënhalf jaar met signaleren. Bij de "
        "overgang naar groep 1 vindt een warme overdracht plaats tussen de pedagogisch medewerker, de "
        "leerkracht en de ouders.",
    )
    b += regional_theme(
        "dyslexie",
        "wij volgen het protocol en bieden zwakke lezers extra leesinstructie in een subgroep, maar een "
        "eigen leesspecialist hebben wij nog niet. Een leerkracht volgt in 2022-2023 de opleiding tot "
        "dyslexiespecialist. Vergoede dyslexiezorg (EED) vindt buiten de school plaats, bij een "
        "behandelaar naar keuze van de ouders.",
    )
    b += regional_theme(
        "dyscalculie",
        "rekenzwakke leerlingen krijgen extra instructie in hun unit. Voor een vermoeden van dyscalculie "
        "verwijzen wij naar externe diagnostiek; specifieke dyscalculie-expertise is in ons team niet "
        "aanwezig.",
    )
    b += regional_theme(
        "begaafdheid",
        "in de **Vlinderklas** krijgen meer- en hoogbegaafde kinderen van groep 5 tot en met 8 één "
        "dag per week les van specialist hoogbegaafdheid Eva Smit, in groepen van maximaal 14 kinderen. In "
        "de groepen 1 tot en met 4 werken wij met verrijkingskasten en compacten wij de leerstof.",
    )
    b += regional_theme(
        "medisch",
        "ons gebouw is in 2019 opgeleverd en is volledig rolstoelvriendelijk: er is een **lift** naar de "
        "eerste verdieping, een invalidetoilet en een verzorgingsruimte. Het protocol medisch handelen "
        "wordt elk jaar met opvang en onderwijs samen doorgenomen.",
    )
    b += regional_theme(
        "keten",
        "het jeugdteam Zoetermeer houdt elke twee weken een inloopspreekuur in het kindcentrum. De "
        "jeugdverpleegkundige schuift vier keer per jaar aan bij het ondersteuningsteam.",
    )
    b += [
        H1("4. Extra ondersteuning"),
    ]
    b += regional_extra_ondersteuning()
    b += [
        H2("4.A Expertise"),
        TABLE(
            ("Expertise", "Aanwezig", "Toelichting"),
            [
                ("Dyslexie", "In ontwikkeling", "Leerkracht in opleiding tot dyslexiespecialist; EED buiten school"),
                ("Dyscalculie", "Nee", "Externe diagnostiek en advies"),
                ("Hoogbegaafdheid", "Ja", "Vlinderklas één dag per week, specialist hoogbegaafdheid (ECHA)"),
                ("Autisme", "Ja", "Autismespecialist, visuele dagstructuur en prikkelarme werkplekken"),
                ("Gedrag", "Ja", "Gedragsspecialist Bas Mulder, Kanjertraining in opvang en onderwijs"),
                ("NT2/nieuwkomers", "Ja", "VVE-aanbod, taalcoördinator en schakelgroep taal"),
                ("Spraak-taal (TOS)", "Ja", "Logopedist in het gebouw, samenwerking met cluster 2"),
                ("Motoriek", "Ja", "Kinderfysiotherapeut in het gebouw"),
                ("Zieke leerlingen", "In ontwikkeling", "Protocol in voorbereiding met de opvang"),
                ("Faalangst", "Nee", "Verwijzing naar het jeugdteam"),
            ],
            (2, 1.6, 5),
        ),
        H2("4.B Specialisten in het kindcentrum"),
        P(
            "Omdat opvang en onderwijs in één gebouw zitten, zijn er veel deskundigen dichtbij. De "
            "logopediepraktijk en de kinderfysiotherapeut huren een ruimte in het kindcentrum, zodat "
            "behandelingen onder schooltijd kunnen plaatsvinden zonder dat kinderen veel lestijd missen. "
            "Daarnaast werken wij samen met:"
        ),
        UL(
            "de adviseur passend onderwijs van het samenwerkingsverband (Rob Meijer);",
            "het jeugdteam Zoetermeer en de jeugdgezondheidszorg;",
            "de ambulant begeleiders van cluster 2 voor kinderen met een taalontwikkelingsstoornis;",
            "de speltherapeut van een praktijk in de wijk.",
        ),
        P(
            "In het schooljaar 2021-2022 hadden **9 leerlingen** een arrangement van het "
            "samenwerkingsverband, vooral voor gedrag en voor taalontwikkeling. Vier leerlingen zijn in dat "
            "jaar verwezen naar het speciaal basisonderwijs of het speciaal onderwijs. Het aantal MDO's "
            "bedroeg 23."
        ),
        H3("De Vlinderklas"),
        P(
            "Voor de Vlinderklas komen kinderen in aanmerking die op grond van het signaleringsinstrument "
            "SiDi PO, observaties en een gesprek met kind en ouders meer uitdaging nodig hebben dan in de "
            "eigen groep mogelijk is. De Vlinderklas is op donderdag. Kinderen werken aan projecten, "
            "filosofie, programmeren en een vreemde taal (Spaans), en leren vooral hoe zij leren: plannen, "
            "doorzetten en omgaan met fouten. In de eigen groep krijgen zij een compact programma met "
            "verrijkingswerk. Op dit moment nemen **28 kinderen** deel, verdeeld over twee groepen van 14."
        ),
        H2("4.C Ondersteuningsvoorzieningen / gebouw"),
        TABLE(
            ("Voorziening", "Aanwezig in de school"),
            [
                ("Rolstoelvriendelijk", "Ja"),
                ("Lift", "Ja"),
                ("Invalidetoilet", "Ja"),
                ("Aangepast meubilair", "Ja"),
                ("Prikkelarme werkplek", "Ja"),
                ("Ringleiding (slechthorend)", "Nee"),
                ("Aanpassingen voor slechtziende leerlingen", "Nee"),
                ("Verzorgingsruimte", "Ja"),
                ("Time-outruimte", "Nee"),
            ],
            (3, 2),
        ),
        P(
            "Elke unit heeft een stiltewerkplek en twee flexibele werkplekken met koptelefoons. De lift "
            "wordt ook gebruikt door kinderen die tijdelijk niet goed ter been zijn, bijvoorbeeld na een "
            "ongeluk."
        ),
        H1("5. Grenzen aan de ondersteuning"),
        H2("5.A Aanmelding"),
        P(
            "Ouders melden hun kind schriftelijk aan via het aanmeldformulier op de website, bij voorkeur "
            "voordat het kind drie jaar en zes maanden is. Kinderen die al op onze peuteropvang zitten, "
            "krijgen voorrang. Na de aanmelding volgt een kennismakingsgesprek met de IB'er van de "
            "onderbouw. Is er bij aanmelding sprake van een ondersteuningsbehoefte, dan vragen wij met "
            "toestemming van de ouders gegevens op bij de voorschool, het consultatiebureau of de vorige "
            "school."
        ),
    ]
    b += regional_zorgplicht()
    b += [
        H2("5.B Grenzen en grensgebied"),
        P(
            "De grens van onze ondersteuning is bereikt wanneer de ontwikkeling van het kind stagneert "
            "ondanks alle inzet, wanneer de veiligheid van het kind of van anderen in het geding is, of "
            "wanneer de zorg voor één kind ten koste gaat van het onderwijs aan de groep."
        ),
        P("**Grens:**"),
        UL(
            "Kinderen die gedurende de hele dag intensieve verpleegkundige zorg nodig hebben.",
            "Kinderen met een ernstige verstandelijke beperking die zijn aangewezen op onderwijs voor zeer "
            "moeilijk lerende kinderen (ZML).",
            "Kinderen met ernstig externaliserend gedrag, zoals herhaalde fysieke agressie, waardoor de "
            "veiligheid in de groep structureel niet gewaarborgd kan worden.",
            "Kinderen die blind zijn, of doof zijn met gebarentaal als eerste taal.",
            "Kinderen met ernstige psychiatrische problematiek die dagbehandeling nodig hebben.",
        ),
        P("**Grensgebied:** (per kind te bepalen in een MDO)"),
        UL(
            "Kinderen met ernstige dyslexie in combinatie met andere leerproblemen, zolang onze "
            "dyslexie-expertise nog in ontwikkeling is;",
            "Kinderen met dyscalculie;",
            "Slechtziende of slechthorende kinderen (er is geen ringleiding);",
            "Kinderen met hechtingsproblematiek of trauma;",
            "Kinderen met ernstige faalangst;",
            "Een vijfde kind met een arrangement in dezelfde groep.",
        ),
        P(
            "Twijfelen wij of wij een kind passend kunnen ondersteunen, dan bespreken wij dat altijd eerst "
            "met de ouders en de adviseur passend onderwijs. Samen kijken wij welke ondersteuning nodig is "
            "en of die bij ons, eventueel met een arrangement, georganiseerd kan worden. Een besluit dat "
            "wij een kind niet kunnen plaatsen, wordt schriftelijk en met redenen aan de ouders "
            "meegedeeld."
        ),
        H1("6. Ontwikkelplan"),
        P("Voor de periode 2022-2026 heeft het kindcentrum de volgende ambities geformuleerd:"),
        UL(
            "In 2022-2023 rondt een leerkracht de opleiding tot dyslexiespecialist af; vanaf 2023-2024 "
            "bieden wij begeleiding volgens de aanpak van Connect in groep 3 en 4.",
            "In 2023-2024 evalueren wij de Vlinderklas en breiden wij het aanbod uit naar groep 4.",
            "In 2024-2025 stellen opvang en onderwijs samen een protocol op voor kinderen met een langdurige "
            "ziekte.",
            "In 2025-2026 onderzoeken wij of een ringleiding in de speelzaal en het podium kan worden "
            "aangelegd.",
        ),
        P(
            "Het ondersteuningsteam bespreekt de voortgang van het ontwikkelplan twee keer per jaar met de "
            "medezeggenschapsraad en de oudercommissie van de opvang."
        ),
    ]
    return b


# ==================================================================================================
# School 3: SBO Het Anker, Den Haag (Markdown)
# ==================================================================================================

def anker():
    name = "SBO Het Anker"
    b = []
    b += [
        ("title", "Schoolondersteuningsprofiel SBO Het Anker 2024-2028"),
        P("*School voor speciaal basisonderwijs in Den Haag. Vastgesteld door het bestuur op 18 juni 2024.*"),
        H1("Inleiding"),
        P(
            "SBO Het Anker is een school voor speciaal basisonderwijs (SBO) in Den Haag. Bij ons zitten "
            "kinderen van 4 tot 13 jaar die in het reguliere basisonderwijs (nog) niet voldoende tot hun "
            "recht kwamen. Zij hebben meer nodig dan een basisschool kan bieden: kleinere groepen, meer "
            "structuur, meer specialistische begeleiding. In dit schoolondersteuningsprofiel beschrijven "
            "wij hoe wij dat doen, welke deskundigen in de school werken en waar onze grenzen liggen."
        ),
        P(
            "Een SBO-school werkt anders dan een reguliere basisschool. Iedere leerling komt bij ons binnen "
            "met een toelaatbaarheidsverklaring (TLV) van het samenwerkingsverband en heeft een "
            "ontwikkelingsperspectief (OPP). Wat op een basisschool extra ondersteuning is, is bij ons "
            "onderdeel van het dagelijks onderwijs. Toch volgen wij in dit profiel de indeling van het "
            "regionale model, zodat ouders en collega-scholen ons profiel goed kunnen vergelijken."
        ),
        H1("1. Contactgegevens van de school"),
        KV(
            [
                ("School", name),
                ("Brinnummer", "99ZC"),
                ("Adres", "Ankerplein 7, 2541 RS Den Haag"),
                ("Telefoon", "070-3609876"),
                ("Website", "www.sbo-hetanker.example"),
                ("Algemeen e-mailadres", "info@sbo-hetanker.example"),
                ("Naam directeur", "Willem Brouwer"),
                ("Adjunct-directeur", "Nadia Bouzid"),
                ("Aantal intern begeleiders", "2"),
                ("Verdeling intern begeleiders", "Petra Vos (onderbouw en middenbouw), Rik Schouten (bovenbouw)"),
                ("Orthopedagoog", "dr. Linda Koster (GZ-psycholoog)"),
            ]
        ),
        H2("Kengetallen"),
        TABLE(
            ("Kengetal", "2021-2022", "2022-2023", "2023-2024"),
            [
                ("Leerlingaantal per 1 oktober", "139", "144", "148"),
                ("Aantal groepen", "10", "11", "11"),
                ("Gemiddelde groepsgrootte", "13,9", "13,1", "13,5"),
                ("Terugplaatsingen naar het basisonderwijs", "3", "5", "4"),
                ("Doorverwijzingen naar het SO", "2", "2", "3"),
            ],
            (3, 1, 1, 1),
        ),
        P(
            "De school telt op 1 oktober 2023 **148 leerlingen** in 11 groepen. De groepen zijn klein: "
            "**12 tot 15 leerlingen** per groep. Onze twee jonge-kindgroepen (4 tot 7 jaar) hebben maximaal "
            "12 leerlingen. Iedere groep heeft naast de leerkracht minimaal de helft van de week een "
            "onderwijsassistent."
        ),
        P(
            "In de jonge-kindgroepen zitten kinderen van 4 tot 7 jaar met een ontwikkelingsachterstand, "
            "vaak in combinatie met taal- of gedragsproblemen. Zij leren spelenderwijs in een vaste "
            "structuur en krijgen twee keer per week logopedie in de groep. Na twee jaar bekijkt de CvB of "
            "een kind doorstroomt naar groep 3 van het SBO of terug kan naar een basisschool."
        ),
        H2("Uitstroom naar het voortgezet onderwijs"),
        TABLE(
            ("Uitstroombestemming", "2021-2022", "2022-2023", "2023-2024"),
            [
                ("Praktijkonderwijs", "9", "11", "10"),
                ("Vmbo basis/kader (met lwoo)", "12", "13", "14"),
                ("Vmbo gemengde/theoretische leerweg", "3", "4", "5"),
                ("Voortgezet speciaal onderwijs", "3", "2", "3"),
            ],
            (3, 1, 1, 1),
        ),
        H1("2. Visie op passend onderwijs"),
        P(
            "Ons anker staat voor houvast. Veel kinderen die bij ons komen, hebben op hun vorige school "
            "teleurstellingen meegemaakt. Zij hebben het gevoel dat ze \u201cniet goed genoeg\u201d zijn. "
            "Onze eerste opdracht is dat een kind zich weer veilig voelt en vertrouwen krijgt in zichzelf. "
            "Pas dan komt leren op gang. Wij werken daarom vanuit een voorspelbare structuur, een rustige "
            "leeromgeving en een positieve benadering."
        ),
        P(
            "Ieder kind heeft een eigen ontwikkelingsperspectief met een verwachte uitstroombestemming. "
            "Wij houden hoge, maar realistische verwachtingen en stellen per vakgebied doelen die passen bij "
            "het perspectief van het kind. Waar het kan, werken wij toe naar terugplaatsing in het "
            "basisonderwijs; ieder jaar gaan enkele leerlingen met succes terug naar een reguliere school."
        ),
        P(
            "Wij werken nauw samen met ouders en met de jeugdhulp. Onderwijs en zorg zijn bij ons zo veel "
            "mogelijk geïntegreerd: een jeugdhulpverlener maakt deel uit van het team, zodat kinderen en "
            "gezinnen snel de juiste hulp krijgen."
        ),
        H1("3. Basisondersteuning"),
    ]
    b += regional_basisondersteuning()
    b += [
        P(
            "Voor het SBO geldt dat alle leerlingen al meer ondersteuning krijgen dan de "
            "basisondersteuning. De onderdelen hieronder vormen bij ons het fundament onder het "
            "specialistische aanbod."
        ),
        H2("3.A Basiskwaliteit"),
        P(REGIONAL_BASISKWALITEIT),
        P(
            "**Op onze school:** de inspectie heeft SBO Het Anker in februari 2023 bezocht. De "
            "basiskwaliteit is op orde; de standaarden Zicht op ontwikkeling en Extra ondersteuning zijn "
            "als goed beoordeeld. De inspectie noemde het werken met het OPP een sterk punt van de school."
        ),
        H2("3.B Planmatig werken / handelingsgericht werken"),
        P(REGIONAL_HGW),
        P(
            "**Op onze school:** heeft iedere leerling een OPP met een uitstroomprofiel. Op basis van de "
            "OPP's maakt de leerkracht per vakgebied een groepsplan met drie of vier niveaus. De "
            "resultaten worden twee keer per jaar gemeten met methode-onafhankelijke toetsen en "
            "vergeleken met de verwachte leerroute."
        ),
        H3("Zorgniveaus"),
        P("Ook binnen het SBO onderscheiden wij vier zorgniveaus:"),
        UL(
            "**Zorgniveau 1** \u2013 het onderwijs in de kleine groep volgens het groepsplan, met een vaste "
            "dagstructuur en visuele ondersteuning.",
            "**Zorgniveau 2** \u2013 extra begeleiding in de groep door de leerkracht of de "
            "onderwijsassistent, bijvoorbeeld een beloningssysteem of extra instructie.",
            "**Zorgniveau 3** \u2013 inzet van een specialist in de school: logopedie, fysiotherapie, "
            "speltherapie, sociale-vaardigheidstraining of remedial teaching.",
            "**Zorgniveau 4** \u2013 inzet van externe hulp of een verwijzing naar het speciaal onderwijs, na "
            "bespreking in de commissie van begeleiding.",
        ),
        H3("Groepsbesprekingen en commissie van begeleiding"),
        P(
            "Drie keer per jaar, in **oktober, februari en juni**, bespreekt de leerkracht de hele groep "
            "met de intern begeleider en de orthopedagoog. Daarnaast komt de **commissie van begeleiding "
            "(CvB)** elke zes weken bijeen. De CvB bestaat uit de adjunct-directeur (voorzitter), de "
            "orthopedagoog, de twee intern begeleiders, de schoolmaatschappelijk werker en de "
            "jeugdverpleegkundige. De CvB stelt de OPP's vast, bewaakt de voortgang en besluit over "
            "terugplaatsing of verwijzing."
        ),
        H3("Time-outprotocol"),
        P(
            "Soms raakt een kind zo ontregeld dat het niet meer in de groep kan blijven. Daarvoor hebben "
            "wij een vast protocol, dat met alle ouders bij de intake wordt besproken:"
        ),
        OL(
            "De leerkracht probeert eerst de-escalerend te werken: een time-out in de rustige hoek van de eigen groep.",
            "Lukt dat niet, dan begeleidt een onderwijsassistent of de gedragsspecialist het kind naar De "
            "Haven. Een kind is daar nooit alleen.",
            "Het kind blijft zo kort mogelijk in De Haven, in de regel niet langer dan twintig minuten, en "
            "keert na een herstelgesprek terug naar de groep.",
            "Ieder gebruik wordt geregistreerd en dezelfde dag met de ouders besproken.",
            "Bij meer dan drie time-outs in vier weken bespreekt de CvB de aanpak opnieuw met de ouders.",
        ),
        H3("De intern begeleiders"),
        P(
            "De school heeft **twee intern begeleiders**: Petra Vos voor de onder- en middenbouw en Rik "
            "Schouten voor de bovenbouw. Zij begeleiden de leerkrachten bij het opstellen en evalueren van "
            "de groepsplannen en OPP's, observeren in de groepen en zijn voor ouders het eerste "
            "aanspreekpunt bij vragen over de ondersteuning."
        ),
        H3("Multidisciplinair overleg (MDO) en OPP"),
        P(
            "Binnen zes weken na de start van een nieuwe leerling vindt een MDO plaats met de ouders, de "
            "leerkracht, de intern begeleider, de orthopedagoog en de betrokken hulpverleners. In dit "
            "overleg wordt het OPP vastgesteld. Het OPP wordt twee keer per jaar met de ouders geëvalueerd. "
            "Bij stagnatie of bij een vraag over terugplaatsing volgt een nieuw MDO, waarbij ook de "
            "adviseur passend onderwijs van het samenwerkingsverband (Jasper Dekker) aanschuift."
        ),
        H2("3.C Preventieve en curatieve interventies"),
    ]
    b += regional_theme(
        "klimaat",
        "alle groepen werken met een vaste dagplanning op het bord en met de methode Leefstijl. Elke "
        "ochtend begint met een kringgesprek. In elke groep is een rustige hoek, en de school heeft een "
        "**time-outruimte** (\u201cDe Haven\u201d) waar een kind onder begeleiding van een "
        "onderwijsassistent tot rust kan komen. Ieder gebruik van De Haven wordt vastgelegd en dezelfde "
        "dag met de ouders besproken.",
    )
    b += regional_theme(
        "pesten",
        "de anti-pestcoördinator is gedragsspecialist Jeroen Hendriks. Wij werken met de No Blame-aanpak "
        "en bespreken incidenten dezelfde dag met de betrokken kinderen.",
    )
    b += regional_theme(
        "signaleren",
        "bij de intake beoordeelt de orthopedagoog het dossier en stelt zij vast welk onderzoek nog nodig "
        "is. Alle leerlingen worden twee keer per jaar getoetst en twee keer per jaar gevolgd met ZIEN!.",
    )
    b += regional_theme(
        "dyslexie",
        "wij hebben een dyslexiespecialist en een logopedist in de school. Leerlingen met ernstige "
        "leesproblemen krijgen dagelijks intensieve leesbegeleiding in een groepje van maximaal vier "
        "kinderen. Voorleessoftware is op alle Chromebooks beschikbaar.",
    )
    b += regional_theme(
        "dyscalculie",
        "de rekenspecialist begeleidt leerlingen met ernstige rekenproblemen met concreet materiaal en "
        "volgens het handelingsmodel. Ook worden leerlingen onderzocht op dyscalculie door de orthopedagoog.",
    )
    b += regional_theme(
        "begaafdheid",
        "de meeste leerlingen hebben een lager dan gemiddelde intelligentie en volgen een aangepaste "
        "leerlijn. Voor hoogbegaafde leerlingen hebben wij geen specifiek aanbod.",
    )
    b += regional_theme(
        "medisch",
        "ons gebouw is gelijkvloers en rolstoelvriendelijk, met een invalidetoilet en een "
        "verzorgingsruimte. Een lift is niet nodig. Medewerkers zijn geschoold in het toedienen van "
        "noodmedicatie bij epilepsie.",
    )
    b += regional_theme(
        "keten",
        "een jeugdhulpverlener van het onderwijs-zorgarrangement is vier dagen per week op school. De "
        "schoolmaatschappelijk werker Ayşe Kaya begeleidt gezinnen en neemt deel aan de CvB.",
    )
    b += [
        H1("4. Extra ondersteuning"),
    ]
    b += regional_extra_ondersteuning()
    b += [
        P(
            "**Op onze school:** is de extra ondersteuning onderdeel van het dagelijkse aanbod. Alle "
            "leerlingen hebben een TLV voor het speciaal basisonderwijs. Wanneer ook bij ons de "
            "ondersteuning niet toereikend is, onderzoeken wij samen met de ouders of een "
            "onderwijs-zorgarrangement of een plaatsing in het speciaal onderwijs nodig is."
        ),
        H2("4.A Expertise"),
        TABLE(
            ("Expertise", "Aanwezig", "Toelichting"),
            [
                ("Dyslexie", "Ja", "Dyslexiespecialist en logopedist, dagelijkse leesbegeleiding"),
                ("Dyscalculie", "Ja", "Rekenspecialist, onderzoek door de orthopedagoog"),
                ("Hoogbegaafdheid", "Nee", "Geen specifiek aanbod"),
                ("Autisme", "Ja", "Autismespecialist, prikkelarme werkplekken in elke groep"),
                ("Gedrag", "Ja", "Gedragsspecialist, time-outruimte, training sociale vaardigheden"),
                ("NT2/nieuwkomers", "In ontwikkeling", "Scholing NT2 in 2025-2026"),
                ("Spraak-taal (TOS)", "Ja", "Logopedist vier dagen per week in de school"),
                ("Motoriek", "Ja", "Kinderfysiotherapeut en motorische remedial teaching"),
                ("Zieke leerlingen", "In ontwikkeling", "Samenwerking met het ziekenhuis wordt opgezet"),
                ("Faalangst", "Ja", "Faalangsttraining en speltherapie"),
            ],
        ),
        H2("4.B Specialisten in de school"),
        P("In ons team werken de volgende specialisten:"),
        TABLE(
            ("Specialist", "Naam", "Inzet per week"),
            [
                ("Orthopedagoog-GZ-psycholoog", "dr. Linda Koster", "4 dagen"),
                ("Intern begeleider onder- en middenbouw", "Petra Vos", "3 dagen"),
                ("Intern begeleider bovenbouw", "Rik Schouten", "3 dagen"),
                ("Logopedist", "Miriam Peters", "4 dagen"),
                ("Kinderfysiotherapeut", "Daan Veenstra", "2 dagen"),
                ("Gedragsspecialist", "Jeroen Hendriks", "5 dagen"),
                ("Schoolmaatschappelijk werker", "Ayşe Kaya", "3 dagen"),
                ("Jeugdhulpverlener (onderwijs-zorgarrangement)", "Marco Visser", "4 dagen"),
                ("Speltherapeut", "Femke de Bruijn", "1 dag"),
            ],
        ),
        H2("4.C Ondersteuningsvoorzieningen / gebouw"),
        TABLE(
            ("Voorziening", "Aanwezig in de school"),
            [
                ("Rolstoelvriendelijk", "Ja"),
                ("Lift", "nvt"),
                ("Invalidetoilet", "Ja"),
                ("Aangepast meubilair", "Ja"),
                ("Prikkelarme werkplek", "Ja"),
                ("Ringleiding (slechthorend)", "Ja"),
                ("Aanpassingen voor slechtziende leerlingen", "Ja"),
                ("Time-outruimte", "Ja"),
                ("Therapieruimte", "Ja"),
                ("Verzorgingsruimte", "Ja"),
            ],
        ),
        P(
            "Het gebouw is gelijkvloers, daarom is een lift niet van toepassing. Het speellokaal en twee "
            "lokalen hebben een ringleiding. Trappen naar het podium en de deurposten zijn voorzien van "
            "contrastmarkering voor slechtziende leerlingen."
        ),
        H2("4.D Terugplaatsing en nazorg"),
        P(
            "Wij vinden het belangrijk dat een plaatsing op het SBO geen eindstation hoeft te zijn. Twee keer "
            "per jaar bespreekt de CvB bij alle leerlingen of terugplaatsing naar het basisonderwijs "
            "haalbaar is. Als dat zo is, zoeken wij samen met de ouders een basisschool in de buurt. De "
            "leerling loopt eerst een aantal dagdelen mee op de nieuwe school en onze IB'er begeleidt de "
            "nieuwe leerkracht tot een halfjaar na de overstap. In de afgelopen drie schooljaren zijn "
            "**12 leerlingen** teruggeplaatst; tien van hen zitten nog steeds op de basisschool."
        ),
        H1("5. Grenzen aan de ondersteuning"),
        H2("5.A Aanmelding"),
        P(
            "Plaatsing op SBO Het Anker is alleen mogelijk met een **toelaatbaarheidsverklaring (TLV)** van "
            "het samenwerkingsverband. Meestal vraagt de huidige school de TLV aan, na een MDO met de "
            "ouders. Ouders kunnen daarna hun kind schriftelijk aanmelden. Na de aanmelding volgt een "
            "intakegesprek met de intern begeleider en de orthopedagoog, en een kennismakingsochtend in de "
            "groep. Wij plaatsen nieuwe leerlingen bij voorkeur na een vakantie."
        ),
    ]
    b += regional_zorgplicht()
    b += [
        H2("5.B Wanneer is voor ons de grens bereikt?"),
        P(
            "Ook een school voor speciaal basisonderwijs heeft grenzen. Wij kunnen een leerling niet "
            "passend ondersteunen als de leerling meer nodig heeft dan onderwijs met zorg, of als de "
            "veiligheid van de leerling of van anderen niet te waarborgen is."
        ),
        P("**Grens:**"),
        UL(
            "Leerlingen met een IQ lager dan 55, die zijn aangewezen op onderwijs voor zeer moeilijk "
            "lerende kinderen (SO cluster 3).",
            "Leerlingen die (bijna) blind of doof zijn en onderwijs in cluster 1 of cluster 2 nodig hebben.",
            "Leerlingen met ernstige psychiatrische problematiek die dagbehandeling of een opname nodig hebben.",
            "Leerlingen met structureel fysiek agressief gedrag, waarbij de veiligheid ook met de inzet "
            "van de time-outruimte niet gewaarborgd is (SO cluster 4).",
            "Leerlingen die gedurende de schooldag verpleegkundige zorg nodig hebben.",
            "Leerlingen zonder geldige toelaatbaarheidsverklaring.",
        ),
        P("**Grensgebied:** (per leerling te bepalen door de commissie van begeleiding)"),
        UL(
            "Leerlingen met een IQ tussen 55 en 70 in combinatie met ernstige sociaal-emotionele problemen;",
            "Leerlingen met autisme die langdurig één-op-één begeleiding nodig hebben;",
            "Hoogbegaafde leerlingen met een leer- of gedragsprobleem (dubbel bijzonder);",
            "Leerlingen met ernstige hechtingsproblematiek of trauma;",
            "Rolstoelafhankelijke leerlingen die intensieve hulp bij verzorging nodig hebben.",
        ),
        H1("6. Ontwikkelplan"),
        P("Voor de periode 2024-2028 hebben wij de volgende doelen:"),
        TABLE(
            ("Ambitie", "Periode"),
            [
                ("Scholing van het hele team in NT2 en meertaligheid", "2025-2026"),
                ("Een vaste samenwerking met het ziekenhuis voor zieke leerlingen", "2024-2026"),
                ("Meer terugplaatsingen naar het basisonderwijs, met nazorg door onze IB'ers", "2024-2028"),
                ("Een tweede time-outruimte in de bovenbouwvleugel", "2026-2027"),
            ],
            (4, 1),
        ),
        P(
            "De commissie van begeleiding evalueert dit plan elk jaar in juni en rapporteert daarover aan "
            "de medezeggenschapsraad."
        ),
    ]
    return b


# ==================================================================================================
# Renderers
# ==================================================================================================

def _rl_markup(text: str) -> str:
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"(?<!\*)\*([^*]+?)\*(?!\*)", r"<i>\1</i>", text)


def render_pdf(blocks, path: Path, *, school: str, period: str, header: str, title: str) -> None:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as rl_canvas
    from reportlab.platypus import (
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    rl_config.invariant = 1  # fixed creation date and document id

    base = ParagraphStyle("base", fontName="Helvetica", fontSize=10, leading=13.6, alignment=TA_LEFT,
                          spaceAfter=5)
    styles = {
        "title": ParagraphStyle("title", parent=base, fontName="Helvetica-Bold", fontSize=22, leading=27,
                                spaceBefore=40, spaceAfter=10, textColor=colors.HexColor("#1f4e79")),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=17, spaceAfter=24),
        "h1": ParagraphStyle("h1", parent=base, fontName="Helvetica-Bold", fontSize=15, leading=19,
                             spaceBefore=10, spaceAfter=7, textColor=colors.HexColor("#1f4e79")),
        "h2": ParagraphStyle("h2", parent=base, fontName="Helvetica-Bold", fontSize=12, leading=15,
                             spaceBefore=8, spaceAfter=5, textColor=colors.HexColor("#2e75b6")),
        "h3": ParagraphStyle("h3", parent=base, fontName="Helvetica-Bold", fontSize=10.5, leading=14,
                             spaceBefore=6, spaceAfter=3),
        "p": base,
        "note": ParagraphStyle("note", parent=base, fontName="Helvetica-Oblique"),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5, spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=base, fontName="Helvetica-Bold", fontSize=9,
                                   leading=11.5, spaceAfter=0),
        "li": ParagraphStyle("li", parent=base, spaceAfter=2, leftIndent=16, bulletIndent=5),
    }

    page_w, page_h = A4
    left = right = 22 * mm
    top, bottom = 24 * mm, 22 * mm
    avail = page_w - left - right

    class NumberedCanvas(rl_canvas.Canvas):
        """Two-pass page decoration so the footer can say 'pagina X van N'."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages = []

        def showPage(self):
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total):
            self.saveState()
            self.setStrokeColor(colors.HexColor("#2e75b6"))
            self.setLineWidth(0.6)
            self.setFont("Helvetica", 8.5)
            self.setFillColor(colors.HexColor("#404040"))
            self.line(left, 15.5 * mm, page_w - right, 15.5 * mm)
            self.drawString(left, 11 * mm,
                            f"Schoolondersteuningsprofiel {school} {period}   pagina {self._pageNumber} van {total}")
            self.restoreState()

    def draw_header(canv, _doc):
        # Drawn when the page begins, so the header comes first in the page's text.
        canv.saveState()
        canv.setStrokeColor(colors.HexColor("#2e75b6"))
        canv.setLineWidth(0.6)
        canv.setFont("Helvetica", 8.5)
        canv.setFillColor(colors.HexColor("#404040"))
        canv.drawString(left, page_h - 14 * mm, header)
        canv.line(left, page_h - 15.5 * mm, page_w - right, page_h - 15.5 * mm)
        canv.restoreState()

    story = []
    for block in blocks:
        kind = block[0]
        if kind in ("title", "subtitle", "h1", "h2", "h3", "p", "note"):
            para = Paragraph(_rl_markup(block[1]), styles[kind])
            # A bold label such as "Grens:" stays on the same page as the list under it.
            para._sop_label = bool(re.match(r"^\*\*[^*]{1,30}:\*\*", block[1])) and len(block[1]) < 120
            story.append(para)
        elif kind in ("bullets", "numbered"):
            # bulletText keeps the bullet on the same text line, so it extracts as "\u2022 item".
            for n, t in enumerate(block[1], 1):
                story.append(Paragraph(_rl_markup(t), styles["li"],
                                       bulletText="\u2022" if kind == "bullets" else f"{n}."))
            story.append(Spacer(1, 3))
        elif kind == "table":
            _, header_row, rows, widths, show_header = block
            data = []
            if show_header:
                data.append([Paragraph(_rl_markup(c), styles["cellhead"]) for c in header_row])
            for r in rows:
                data.append([Paragraph(_rl_markup(c), styles["cellhead"] if (j == 0 and not show_header)
                                       else styles["cell"]) for j, c in enumerate(r)])
            total_w = sum(widths)
            table = Table(data, colWidths=[avail * w / total_w for w in widths], repeatRows=1 if show_header else 0)
            style = [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8c8c8c")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
            if show_header:
                style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")))
            else:
                style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef3f8")))
            table.setStyle(TableStyle(style))
            story.append(table)
            story.append(Spacer(1, 8))
        elif kind == "pagebreak":
            story.append(PageBreak())
        else:  # pragma: no cover - programming error
            raise ValueError(kind)

    # Keep every heading with the flowable that follows it.
    grouped = []
    i = 0
    while i < len(story):
        flow = story[i]
        is_label = isinstance(flow, Paragraph) and flow.style.name == "p" and getattr(flow, "_sop_label", False)
        if (isinstance(flow, Paragraph) and (flow.style.name in ("h1", "h2", "h3") or is_label)
                and i + 1 < len(story) and not isinstance(story[i + 1], PageBreak)):
            grouped.append(KeepTogether([flow, story[i + 1]]))
            i += 2
        else:
            grouped.append(flow)
            i += 1

    doc = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
        title=title, author=school, subject="Schoolondersteuningsprofiel (fictief voorbeeld)",
        creator="examples/generate.py", producer="ReportLab", invariant=1, lang="nl-NL",
    )
    doc.build(grouped, onFirstPage=draw_header, onLaterPages=draw_header, canvasmaker=NumberedCanvas)


def _docx_add_runs(paragraph, text: str, italic: bool = False) -> None:
    for part in re.split(r"(\*\*.+?\*\*)", text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**"):
            run = paragraph.add_run(part[2:-2])
            run.bold = True
        else:
            run = paragraph.add_run(part)
        if italic:
            run.italic = True


def _docx_field(paragraph, instr: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes so the bytes do not depend on the clock."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 0
            zi.external_attr = 0
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def render_docx(blocks, path: Path, *, school: str, period: str, header: str, title: str,
                created: _dt.datetime) -> None:
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)

    section = doc.sections[0]
    section.header.paragraphs[0].text = header
    footer = section.footer.paragraphs[0]
    footer.add_run(f"Schoolondersteuningsprofiel {school} {period}   pagina ")
    _docx_field(footer, "PAGE")
    footer.add_run(" van ")
    _docx_field(footer, "NUMPAGES")

    for block in blocks:
        kind = block[0]
        if kind == "title":
            doc.add_heading(block[1], level=0)
        elif kind == "subtitle":
            p = doc.add_paragraph()
            _docx_add_runs(p, block[1], italic=True)
        elif kind in ("h1", "h2", "h3"):
            doc.add_heading(block[1], level=int(kind[1]))
        elif kind == "p":
            _docx_add_runs(doc.add_paragraph(), block[1])
        elif kind == "note":
            _docx_add_runs(doc.add_paragraph(), block[1], italic=True)
        elif kind in ("bullets", "numbered"):
            style = "List Bullet" if kind == "bullets" else "List Number"
            for item in block[1]:
                _docx_add_runs(doc.add_paragraph(style=style), item)
        elif kind == "table":
            _, header_row, rows, widths, show_header = block
            all_rows = ([header_row] if show_header else []) + rows
            table = doc.add_table(rows=len(all_rows), cols=len(header_row))
            table.style = "Table Grid"
            table.autofit = False
            col_widths = [Cm(16.0 * w / sum(widths)) for w in widths]
            for column, width in zip(table.columns, col_widths):
                column.width = width
            for i, row in enumerate(all_rows):
                for j, value in enumerate(row):
                    cell = table.cell(i, j)
                    cell.width = col_widths[j]
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(value)
                    if (show_header and i == 0) or (not show_header and j == 0):
                        run.bold = True
            doc.add_paragraph()
        elif kind == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:  # pragma: no cover
            raise ValueError(kind)

    props = doc.core_properties
    props.title = title
    props.subject = "Schoolondersteuningsprofiel (fictief voorbeeld)"
    props.author = school
    props.last_modified_by = school
    props.keywords = "schoolondersteuningsprofiel; passend onderwijs; Haaglanden"
    props.language = "nl-NL"
    props.category = "SOP"
    props.comments = "Fictief voorbeeld, gegenereerd door examples/generate.py"
    props.revision = 1
    props.created = created
    props.modified = created
    props.last_printed = created

    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(_normalise_zip(buf.getvalue()))


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(blocks, path: Path) -> None:
    lines: list[str] = []

    def gap():
        if lines and lines[-1] != "":
            lines.append("")

    for block in blocks:
        kind = block[0]
        if kind == "title":
            gap()
            lines.append("# " + block[1])
        elif kind in ("h1", "h2", "h3"):
            gap()
            lines.append("#" * (int(kind[1]) + 1) + " " + block[1])
        elif kind in ("p", "subtitle"):
            gap()
            lines.append(block[1])
        elif kind == "note":
            gap()
            lines.append("*" + block[1] + "*")
        elif kind == "bullets":
            gap()
            lines.extend("- " + item for item in block[1])
        elif kind == "numbered":
            gap()
            lines.extend(f"{n}. {item}" for n, item in enumerate(block[1], 1))
        elif kind == "table":
            _, header_row, rows, _widths, _show = block
            gap()
            lines.append("| " + " | ".join(_md_cell(c) for c in header_row) + " |")
            lines.append("|" + "|".join("---" for _ in header_row) + "|")
            for r in rows:
                lines.append("| " + " | ".join(_md_cell(c) for c in r) + " |")
        elif kind == "pagebreak":
            continue
        else:  # pragma: no cover
            raise ValueError(kind)
        lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


# ==================================================================================================

def main(argv: list[str] | None = None) -> int:
    out_dir = Path(argv[0]) if argv else OUT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)

    pdf_path = out_dir / "obs-de-regenboog.pdf"
    render_pdf(
        regenboog(), pdf_path,
        school="OBS De Regenboog", period="2023-2027",
        header="OBS De Regenboog  |  Delft  |  BRIN 99XA  |  Schoolondersteuningsprofiel",
        title="Schoolondersteuningsprofiel OBS De Regenboog 2023-2027",
    )
    docx_path = out_dir / "kindcentrum-de-vlinder.docx"
    render_docx(
        vlinder(), docx_path,
        school="Kindcentrum De Vlinder", period="2022-2026",
        header="Kindcentrum De Vlinder  |  Zoetermeer  |  BRIN 99YB",
        title="Schoolondersteuningsprofiel Kindcentrum De Vlinder 2022-2026",
        created=_dt.datetime(2022, 7, 12, 9, 0, 0),
    )
    md_path = out_dir / "sbo-het-anker.md"
    render_markdown(anker(), md_path)

    for p in (pdf_path, docx_path, md_path):
        print(p.relative_to(Path.cwd()) if p.is_relative_to(Path.cwd()) else p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
