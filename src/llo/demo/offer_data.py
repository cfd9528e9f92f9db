# SPDX-License-Identifier: EUPL-1.2
"""What the demo register's offers and providers are drawn from: the topics (kinds of training
with their ranges of price, study load, level, skills and occupations) and the words that make
provider names and descriptions. Data only; ``llo.demo.offers`` draws and writes the offers.

Titles, prices and study loads are invented but in realistic ranges for the Dutch market (mbo
derde leerweg, NRTO-type courses); the situations follow the seed letters and JOURNEYS.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A kind of training and the ranges its offers are drawn from."""

    titles: tuple[str, ...]
    offer_type: str
    levels: tuple[str, ...]
    price: tuple[int, int]  # euros
    hours: tuple[int, int]
    leads_to: str
    skills: tuple[str, ...]
    occupations: tuple[str, ...]
    formal: bool = False
    public_only: bool = False
    exam: tuple[int, int] = (0, 0)


TOPICS: tuple[Topic, ...] = (
    # --- care (seed 000: shortage sectors "zorg, onderwijs, techniek, bouw en ICT") -----------
    Topic(("Helpende zorg en welzijn", "Helpende zorg en welzijn (verkort)"), "programme",
          ("eqf_2",), (2200, 4800), (800, 1600), "diploma",
          ("Verzorgen", "Ondersteunen bij wonen", "Hygiëne"), ("Helpende zorg en welzijn",),
          formal=True, public_only=True),
    Topic(("Verzorgende IG", "Verzorgende IG voor zij-instromers"), "programme",
          ("eqf_3",), (3500, 7500), (1600, 2400), "diploma",
          ("Verzorgen", "Medicatie toedienen", "Verpleegtechnische handelingen"),
          ("Verzorgende IG",), formal=True, public_only=True),
    Topic(("Verpleegkunde", "Verpleegkunde (deeltijd)"), "programme", ("eqf_4", "eqf_6"),
          (5500, 14000), (2400, 4800), "diploma",
          ("Verpleegkundig redeneren", "Medicatie toedienen"), ("Verpleegkundige",),
          formal=True, public_only=True),
    Topic(("Medicatie toedienen (mbo-certificaat)", "Wondzorg (mbo-certificaat)",
           "Dementiezorg (mbo-certificaat)"), "module", ("eqf_3",), (450, 1600), (40, 160),
          "mbo_certificate", ("Medicatie toedienen", "Wondzorg", "Dementiezorg"),
          ("Verzorgende IG",), formal=True, public_only=True, exam=(50, 150)),
    Topic(("Dementie in de praktijk", "Palliatieve zorg", "Tillen en verplaatsen",
           "Omgaan met agressie in de zorg", "Zorg voor ouderen thuis"), "course",
          ("eqf_2", "eqf_3", "eqf_4"), (195, 1250), (8, 60), "none",
          ("Dementiezorg", "Communicatie met cliënten"), ("zorghulp",)),
    Topic(("Doktersassistent", "Apothekersassistent", "Pedagogisch medewerker kinderopvang",
           "Onderwijsassistent"), "programme", ("eqf_4",), (3800, 8500), (1600, 3200),
          "diploma", ("Plannen", "Communicatie"), ("Doktersassistent", "Onderwijsassistent"),
          formal=True, public_only=True),
    # --- technology ------------------------------------------------------------------------
    Topic(("Lassen MIG/MAG", "Lassen TIG", "Lassen BMBE", "Lasser NIL-niveau 1"),
          "microcredential", ("eqf_2", "eqf_3"), (650, 2400), (40, 160), "microcredential",
          ("Lassen", "Metaalbewerking", "Veilig werken"), ("Lasser", "Constructiebankwerker"),
          exam=(100, 350)),
    Topic(("EVC onderhoudsmonteur", "EVC monteur werktuigbouwkunde", "EVC elektrotechniek"),
          "evc", ("eqf_3", "eqf_4"), (850, 1650), (12, 40), "experience_certificate",
          ("Onderhoud", "Storingsanalyse"), ("Onderhoudsmonteur", "Elektromonteur")),
    Topic(("Monteur mechatronica", "Eerste monteur elektrotechniek", "Technicus engineering"),
          "programme", ("eqf_3", "eqf_4"), (3200, 8800), (1600, 3200), "diploma",
          ("Mechatronica", "Storingsanalyse", "PLC-programmeren"),
          ("Onderhoudsmonteur", "Elektromonteur"), formal=True, public_only=True),
    Topic(("Warmtepompen installeren", "Zonnepanelen installeren", "NEN 3140 VOP",
           "NEN 1010 basis", "CNC-verspanen", "Hydraulica in de praktijk",
           "Storingzoeken in installaties", "Lastechniek voor onderhoudsmonteurs"), "course",
          ("eqf_2", "eqf_3", "eqf_4"), (295, 2600), (8, 120), "none",
          ("Installatietechniek", "Veilig werken", "Storingsanalyse"),
          ("verwarmingsmonteur", "Onderhoudsmonteur", "operator CNC-machine"), exam=(0, 250)),
    # --- ICT -------------------------------------------------------------------------------
    Topic(("Programmeren in Python", "Data-analyse met Python", "Cybersecurity basis",
           "Netwerkbeheer", "Cloud fundamentals", "Excel voor gevorderden",
           "Servicedesk medewerker", "Webdevelopment"), "course",
          ("eqf_3", "eqf_4", "eqf_5", "eqf_6"), (245, 3400), (12, 200), "none",
          ("Programmeren", "Data-analyse", "Informatiebeveiliging"),
          ("Softwareontwikkelaar", "Data-analist", "Servicedeskmedewerker")),
    Topic(("Data-analyse (microcredential)", "Cybersecurity (microcredential)",
           "Artificiële intelligentie in de praktijk (microcredential)"), "microcredential",
          ("eqf_5", "eqf_6"), (900, 2900), (84, 140), "microcredential",
          ("Data-analyse", "Informatiebeveiliging"), ("Data-analist", "ICT-beveiligingsingenieur")),
    # --- finance and office ----------------------------------------------------------------
    Topic(("Boekhouden voor het mkb", "Basisboekhouden", "Praktijkdiploma boekhouden (PDB)",
           "Loonadministratie", "Salarisadministratie", "Btw-aangifte voor ondernemers",
           "Financieel administratief medewerker"), "course", ("eqf_3", "eqf_4"),
          (195, 2200), (12, 200), "none", ("Boekhouding", "Administratie", "Loonadministratie"),
          ("Boekhouder", "Administratief medewerker", "Salarisadministrateur"),
          exam=(0, 300)),
    # --- logistics, construction, hospitality, retail ---------------------------------------
    Topic(("Heftruck certificaat", "Reachtruck certificaat", "VCA basis", "VCA VOL",
           "Code 95 nascholing", "Magazijnmedewerker", "Orderpicker"), "course",
          ("eqf_1", "eqf_2"), (95, 1450), (4, 80), "none",
          ("Heftruck rijden", "Veilig werken", "Voorraadbeheer"),
          ("Magazijnmedewerker", "Vrachtwagenchauffeur"), exam=(0, 150)),
    Topic(("Timmerman", "Metselaar", "Allround schilder", "Bouwplaatsmedewerker",
           "Dakdekker"), "programme", ("eqf_2", "eqf_3"), (2400, 6800), (800, 2400),
          "diploma", ("Timmeren", "Metselen", "Veilig werken"), ("Timmerman", "Metselaar"),
          formal=True, public_only=True),
    Topic(("Sociale hygiëne", "HACCP en hygiënecode", "Zelfstandig werkend kok",
           "Gastheer en gastvrouw", "Barista"), "course", ("eqf_2", "eqf_3"), (125, 2400),
          (6, 240), "none", ("Hygiëne", "Koken", "Gastvrijheid"), ("Kok", "Gastheer")),
    Topic(("Verkoopmedewerker", "Winkelmanager", "Klantcontact en service"), "course",
          ("eqf_2", "eqf_3", "eqf_4"), (150, 1650), (8, 120), "none",
          ("Verkoop", "Klantcontact"), ("Verkoopmedewerker", "Winkelmanager")),
    # --- management ------------------------------------------------------------------------
    Topic(("Leidinggeven in de praktijk", "Projectmanagement PRINCE2 Foundation",
           "Lean Six Sigma Yellow Belt", "Coachend leidinggeven", "Agile en Scrum"),
          "course", ("eqf_4", "eqf_5", "eqf_6"), (595, 3950), (16, 120), "none",
          ("Leidinggeven", "Projectmanagement", "Procesverbetering"),
          ("afdelingsmanager", "Projectleider")),
    # --- basic skills (seed 003: basisvaardigheden NT1; JOURNEYS.md: the gemeente pays) -------
    Topic(("Taal op de werkvloer (NT1)", "Beter lezen en schrijven (NT1)",
           "Nederlands voor je werk (NT1)", "Rekenen in het dagelijks leven",
           "Digitale vaardigheden: Klik & Tik", "Werken met DigiD en e-mail"), "basic_skills",
          ("eqf_0", "eqf_1"), (0, 350), (20, 80), "none",
          ("Lezen", "Schrijven", "Rekenen", "Digitale vaardigheden"), ()),
    Topic(("Nederlands als tweede taal (NT2) A2", "Nederlands als tweede taal (NT2) B1"),
          "basic_skills", ("eqf_1", "eqf_2"), (350, 1450), (60, 240), "none",
          ("Nederlandse taal",), ()),
)  # fmt: skip

PUBLIC_PREFIXES = ("ROC", "Hogeschool", "Vakcollege", "Graafschap College", "AOC")
PRIVATE_PATTERNS = (
    "{w} Academie",
    "Opleidingscentrum {w}",
    "{w} Training & Advies",
    "Vakschool {w}",
    "{w} Opleidingen",
    "Instituut {w}",
    "{w} Leerhuis",
    "Kenniscentrum {w}",
)
WORDS = (
    "Noord", "Delta", "Horizon", "Kompas", "Vakwerk", "Talent", "Brug", "Sleutel", "Vonk",
    "Stap", "Kern", "Ambacht", "Groei", "Praktijk", "Werkplaats", "Koers", "Focus", "Anker",
    "Stroom", "Basis", "Spoor", "Route", "Lijn", "Bron", "Fundament",
)  # fmt: skip
DESCRIPTIONS = (
    "In deze {kind} leer je {s1} en {s2}. Je oefent met echte opdrachten uit {sector}. "
    "Geschikt voor werkenden en werkzoekenden die verder willen in hun vak.",
    "Wil je aan de slag als {occ}? Hier leer je {s1}, met veel praktijk en een "
    "persoonlijke begeleider. Je kunt starten naast je werk.",
    "Praktische {kind} over {s1}. Je krijgt les van ervaren docenten uit {sector} en werkt "
    "aan een portfolio. Na afloop weet je hoe je {s2} toepast in je werk.",
)
SECTOR_OF = {
    "Verzorgen": "de zorg",
    "Lassen": "de metaal",
    "Programmeren": "de ICT",
    "Boekhouding": "de administratie",
    "Heftruck rijden": "de logistiek",
    "Timmeren": "de bouw",
    "Hygiëne": "de horeca",
    "Verkoop": "de detailhandel",
    "Leidinggeven": "het bedrijfsleven",
    "Lezen": "het dagelijks leven",
}
KIND_WORD = {
    "programme": "opleiding",
    "course": "cursus",
    "module": "module",
    "evc": "EVC-procedure",
    "basic_skills": "cursus",
    "microcredential": "training",
}
