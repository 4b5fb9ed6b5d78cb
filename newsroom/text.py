"""The words the newsroom data set is written in: sections and their subjects, tag names,
people's names (made up: a first name and a surname drawn apart), places, headlines, article
prose in Markdown, readers' comments, discussion questions and moderation reasons.

Everything is drawn from a `random.Random` the caller seeds, so a seed always writes the same
text. Links go to example.org, example.com and example.net, emails to those domains, and
addresses to the ranges kept for documentation: nothing here names a real person or host.
"""

import bisect
import itertools
import unicodedata

# fmt: off
# The 50 sections, each with the subjects its articles and tags are about.
CATEGORIES = {
    "Energy": ["grid", "battery storage", "solar", "wind power", "heat pumps"],
    "Climate": ["emissions", "heatwaves", "carbon budget", "adaptation", "flooding"],
    "Transport": ["rail", "buses", "cycling", "freight", "road pricing"],
    "Cities": ["housing", "zoning", "public space", "tram lines", "street lighting"],
    "Housing": ["rents", "social housing", "mortgages", "renovation", "tenancy law"],
    "Health": ["hospitals", "waiting lists", "vaccines", "nursing", "primary care"],
    "Science": ["physics", "genomics", "telescopes", "materials", "peer review"],
    "Space": ["satellites", "launchers", "lunar missions", "orbital debris", "ground stations"],
    "Technology": ["chips", "open source", "data centres", "broadband", "semiconductors"],
    "Artificial intelligence": [
        "language models", "open weights", "compute", "benchmarks", "model audits",
    ],
    "Software": ["databases", "compilers", "web standards", "security patches", "APIs"],
    "Privacy": ["data protection", "tracking", "encryption", "consent", "surveillance"],
    "Security": ["ransomware", "cyber defence", "border checks", "policing", "intelligence"],
    "Economy": ["inflation", "interest rates", "wages", "productivity", "public debt"],
    "Finance": ["banks", "pensions", "bond markets", "fintech", "savings"],
    "Labour": ["unions", "strikes", "remote work", "minimum wage", "apprenticeships"],
    "Trade": ["tariffs", "ports", "supply chains", "export rules", "customs"],
    "Startups": ["venture capital", "founders", "spin-offs", "incubators", "listings"],
    "Manufacturing": ["factories", "robotics", "steel", "car plants", "machine tools"],
    "Retail": ["high streets", "online shopping", "prices", "loyalty schemes", "logistics"],
    "Agriculture": ["harvests", "fertiliser", "dairy", "irrigation", "soil health"],
    "Food": ["restaurants", "food prices", "school meals", "bakeries", "recipes"],
    "Water": ["reservoirs", "drought", "water quality", "sewage", "leaks"],
    "Oceans": ["fisheries", "coral", "shipping lanes", "marine reserves", "sea level"],
    "Wildlife": ["birds", "wolves", "pollinators", "rewilding", "invasive species"],
    "Weather": ["storms", "forecasts", "snowfall", "rainfall records", "frost"],
    "Education": ["schools", "teachers", "exams", "early years", "school funding"],
    "Universities": [
        "tuition", "research grants", "student housing", "admissions", "academic freedom",
    ],
    "Research": ["laboratories", "clinical trials", "open access", "replication", "funding"],
    "Law": ["courts", "judges", "legal aid", "appeals", "constitutional law"],
    "Elections": ["polls", "turnout", "campaign finance", "ballots", "coalitions"],
    "Local government": [
        "councils", "budgets", "libraries", "planning permission", "waste collection",
    ],
    "Europe": ["the single market", "enlargement", "regional funds", "treaties", "the parliament"],
    "Africa": ["mobile money", "solar mini-grids", "trade corridors", "universities", "elections"],
    "Asia": ["manufacturing hubs", "megacities", "monsoon", "high-speed rail", "exports"],
    "Americas": ["farm exports", "lithium", "rainforest", "border policy", "pensions"],
    "Middle East": ["desalination", "tourism", "ceasefires", "reconstruction", "energy exports"],
    "Media": ["newspapers", "public broadcasting", "podcasts", "press freedom", "local news"],
    "Culture": ["museums", "theatre", "festivals", "heritage", "public art"],
    "Books": ["novels", "publishers", "libraries", "translation", "poetry"],
    "Music": ["orchestras", "streaming", "live venues", "music education", "vinyl"],
    "Film": ["cinemas", "documentaries", "film funding", "festivals", "animation"],
    "Sport": ["football", "athletics", "cycling races", "stadiums", "grassroots clubs"],
    "Travel": ["night trains", "airports", "tourism taxes", "hiking routes", "hotels"],
    "Architecture": [
        "timber buildings", "restoration", "skyscrapers", "bridges", "public housing design",
    ],
    "Design": ["typography", "furniture", "product design", "accessibility", "repairability"],
    "Pharmaceuticals": ["drug prices", "antibiotics", "generic medicines", "trials", "shortages"],
    "Defence": ["procurement", "drones", "alliances", "military spending", "conscription"],
    "Digital government": [
        "digital identity", "public services online", "open data", "procurement portals",
        "e-voting",
    ],
    "Opinion": ["policy", "public debate", "accountability", "reform", "the long view"],
}
TAG_QUALIFIERS = [
    "public", "regional", "urban", "rural", "national", "coastal", "northern", "southern",
    "cross-border", "municipal", "open", "low-cost", "renewable", "digital", "community",
    "offshore", "electric", "independent", "youth", "senior", "small-business", "civic",
    "local", "green", "nuclear", "volunteer", "state", "private", "cooperative", "mobile",
    "seasonal", "independent", "industrial", "coastal", "alpine", "island", "suburban",
    "metropolitan", "federal", "emergency",
]
FIRST_NAMES = [
    "Amara", "Anouk", "Aurelio", "Beatriz", "Bram", "Camille", "Chidi", "Dagny", "Dario",
    "Eero", "Elif", "Emeka", "Fenna", "Fintan", "Freja", "Gideon", "Greta", "Hamza", "Hana",
    "Ines", "Ingrid", "Isak", "Jonas", "Joost", "Kaito", "Kalinda", "Karim", "Lars", "Leila",
    "Liesel", "Lorenzo", "Lucía", "Maelle", "Malik", "Marek", "Marta", "Mateo", "Mila", "Nadia",
    "Nils", "Noor", "Oisín", "Olek", "Orla", "Paulo", "Petra", "Priya", "Quentin", "Rafael",
    "Rania", "Rhea", "Ronan", "Sanne", "Selin", "Soren", "Tarek", "Teodor", "Thea", "Tomasz",
    "Ulla", "Valentin", "Vera", "Wiebke", "Xavier", "Yara", "Yusuf", "Zofia", "Zeno", "Aino",
    "Bartek", "Clio", "Davide", "Edda", "Filip", "Gaia", "Hugo", "Ilse", "Jules", "Kasia",
    "Linnea", "Manon", "Nico", "Odile", "Pim", "Renske", "Silas", "Tove", "Ugo",
]
LAST_NAMES = [
    "Abara", "Almqvist", "Andersen", "Arslan", "Baptiste", "Berglund", "Bianchi", "Brandt",
    "Castellano", "Ceylan", "Costa", "Dahl", "De Vries", "Delacroix-Moreau", "Dimitrov",
    "Eklund", "Esposito", "Falk", "Fernández", "Fischer", "Fontaine", "Gallo", "Garnier",
    "Haas", "Halvorsen", "Horvath", "Ibsen", "Iversen", "Jansen", "Jovanović", "Kaya", "Keller",
    "Kowal", "Kuipers", "Lambert", "Lindqvist", "Lombardi", "Maas", "Marchetti", "Meyer",
    "Mikkelsen", "Moreau", "Nagy", "Navarro", "Nieminen", "Novak", "Okafor", "Olsen", "Ortega",
    "Peeters", "Petrov", "Quist", "Rasmussen", "Renard", "Rossi", "Ruiz", "Sandberg", "Schmitt",
    "Silva", "Sørensen", "Strand", "Szabó", "Tanaka", "Thorsen", "Toivonen", "Urbano", "Varga",
    "Verhoeven", "Vidal", "Wagner", "Weiss", "Wiśniewski", "Yilmaz", "Zeller", "Ziegler",
    "Aalto", "Bakker", "Conti", "Duval",
]
PLACES = [
    "Brackenford", "Eastmere", "Fallowby", "Glenharrow", "Highcombe", "Kestrel Bay",
    "Larchmont", "Millbrook", "Northwick", "Oakhaven", "Port Ellery", "Redcliffe", "Saltmarsh",
    "Stonebridge", "Thornbury Vale", "Upper Aldwick", "Westholm", "Wrenfield", "Ashgrove",
    "Beacon Hill", "Caldermoor", "Dunmore Quay", "Elmstead", "Foxley",
]
BODIES = [
    "council", "regional authority", "grid operator", "transport agency", "health board",
    "statistics office", "competition authority", "university", "chamber of commerce",
    "housing association", "water company", "court of auditors", "ombudsman", "port authority",
]
ROLES = [
    "a spokesperson", "an analyst", "a researcher", "the director", "a council member",
    "an economist", "a union representative", "an engineer", "the chief executive",
    "a local resident", "a policy adviser", "a professor",
]
OUTLETS = ["the committee", "reporters", "a public meeting", "this site", "a hearing"]
ADJECTIVES = [
    "overdue", "ambitious", "modest", "contested", "expensive", "popular", "fragile",
    "promising", "unusual", "cautious", "rapid", "uneven", "temporary", "lasting", "quiet",
]
TRENDS = [
    "risen", "fallen", "doubled", "stalled", "recovered", "levelled off", "grown steadily",
    "dropped sharply", "changed little",
]
VERBS = [
    "approved", "delayed", "rejected", "funded", "reviewed", "expanded", "scrapped",
    "announced", "trialled", "paused", "defended", "questioned",
]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Words each used in few texts: what a search for something rare finds.
RARE_WORDS = [
    "heliostat", "cofferdam", "anemometer", "brackish", "palimpsest", "tessellation",
    "ombrometer", "peatland", "sluicegate", "gantry", "isobar", "clerestory", "lichenometry",
    "dendrochronology", "xeriscaping", "stevedore", "hydrofoil", "funicular", "sandpiper",
    "cantilever", "aquifer", "limestone", "switchgear", "flywheel", "geothermal", "microgrid",
    "bioreactor", "spectrometer", "permafrost", "estuary", "kelp", "seagrass", "ptarmigan",
    "viaduct", "tramway", "ropeway", "lighthouse", "barometer", "almanac", "foundry", "tannery",
    "cooperage", "quarry", "orchard", "apiary", "vineyard", "granary", "windmill", "watermill",
    "sawmill", "causeway", "breakwater", "levee", "polder", "dyke", "marshland", "moorland",
    "heathland", "woodland", "hedgerow",
]
MODERATION_REASONS = [
    "Personal attack on another reader",
    "Off topic",
    "Advertising",
    "Contains someone's personal details",
    "Repeated the same comment",
    "Abusive language",
    "Impersonates another reader",
    "Unverified accusation against a named person",
    "Links to a scam",
    "Copied text without attribution",
    "Hateful generalisation about a group",
    "Spoils the ending, as the author asked it not to",
]
# fmt: on
EMAIL_DOMAINS = ["example.org", "example.com", "example.net"]

_ARTICLE_SENTENCES = [
    "The {body} in {place} {verb} the plan for {topic} on {day}.",
    "Figures from the statistics office show that spending on {topic} has {trend} since {month}.",
    '"We cannot wait another {small} years for {topic}," said {person}, {role}.',
    "{person}, {role} at the {place} {body}, called the decision *{adj}*.",
    "Critics say the {adj} approach to {topic} leaves smaller towns behind.",
    "According to [the published report](https://example.org/reports/{slug}), costs "
    "have {trend} by {percent}% over the period.",
    "The proposal would cost about {number} million euros over {small} years.",
    "Supporters point to {place}, where {topic} has {trend} after a similar change.",
    "It is the **{ordinal}** time in {small} years that {topic} has come before the {body}.",
    "Residents who spoke to {outlet} were divided on {topic} and {topic2}.",
    "The {body} said it would publish its own figures on {topic} in {month}.",
    "Nobody disputes that {topic} matters; the argument is over who pays for it.",
    "Data published at https://example.net/data/{slug} show {a_adj} picture.",
    "A similar scheme for {topic2} was {verb} in {year} and has not been revisited since.",
    "{person} said the link between {topic} and {topic2} was often overlooked.",
    "Opposition members asked why the {body} had not consulted on {topic} earlier.",
    "The change takes effect in {month}, subject to a final vote.",
    "Independent analysts estimate that {percent}% of households will notice the difference.",
    "The numbers are *provisional*, the office said, and may be revised.",
    "For {topic}, the {adj} part is not the money but the timetable.",
    "Local firms working on {topic} say they were not told in advance.",
    "The pilot in {place} ran for {small} months and reached {number} thousand people.",
    "Much depends on {topic2}, which the plan mentions only briefly.",
    "The {body} in {place} has {verb} a review of {topic} twice before.",
    "{A_rare} near {place} became a symbol of the debate over {topic}.",
    "Engineers who studied the {rare} say the work on {topic} could be finished by {year}.",
    "The minutes, [available online](https://example.com/minutes/{slug}), record {a_adj} debate.",
    'Asked about {topic2}, {person} said it was "a question for next year".',
    "In {month}, the first results on {topic} were better than expected.",
    "The comparison with {place} is imperfect, but instructive.",
]
_COMMENT_SENTENCES = [
    "I think the article is right about {topic}, but it underplays {topic2}.",
    "As someone who works in {topic}, I can say the timetable is *optimistic*.",
    "Does anyone know whether the {body} published the full figures?",
    "We tried something similar in {place} and it took {small} years to pay off.",
    "The **real** question is who maintains it after the first {small} years.",
    "This is the {ordinal} article this month on {topic}; more like this please.",
    "Not convinced. The same promise about {topic2} was made in {year}.",
    "Good piece. The part about {topic} matches what I see every day.",
    "There is a longer discussion at https://example.com/forum/{slug} if anyone is interested.",
    "My council did the opposite and nobody complained.",
    "The {percent}% figure needs context: {percent2}% of what?",
    "I would like to see the same analysis for {topic2}.",
    "Respectfully, the comparison with {place} does not hold.",
    "Question 1 is the hard one; I honestly don't know.",
    "Living near {a_rare}, I can tell you the noise is the least of it.",
    "Thanks for linking the sources, it makes a difference.",
    "The cost estimate seems low to me -- these things always run over.",
    "People underestimate the link between {topic} and {topic2}.",
    "A small correction: the scheme started in {month}, not later.",
    "Both answers above make good points; the truth is probably in between.",
]
_SPAM = [
    "Earn {number} euros a week from home: https://example.com/earn/{slug} "
    "https://example.com/join/{slug} https://example.com/win/{slug}",
    "Cheap {topic} deals today only!!! [click](https://example.net/deal/{slug}) "
    "[here](https://example.net/now/{slug}) [now](https://example.net/go/{slug})",
    "Best {topic} tips, visit https://example.org/promo/{slug} and "
    "https://example.org/bonus/{slug} and https://example.org/free/{slug}",
]
_QUESTIONS = [
    "Should {topic} be decided locally or nationally?",
    "Would you pay more for better {topic}?",
    "What has changed about {topic} where you live?",
    "Is the plan for {topic} ambitious enough?",
    "Who should pay for {topic}?",
    "What would you ask the {body} about {topic}?",
    "Does {topic} matter more than {topic2} right now?",
    "What is the strongest argument against the plan?",
]
_HEADLINES = [
    "{Place} {body} {verb} plan for {topic}",
    "The true cost of {topic}",
    "What the new figures say about {topic}",
    "{Topic}: {a_adj} year, and what comes next",
    "The fight over {topic} in {place}",
    "How {place} changed its mind on {topic}",
    "{Topic} and {topic2}: the link nobody planned for",
    "{Small} questions about {topic}, answered",
    "Inside the {adj} push for {topic}",
    "{A_rare}, a vote and the future of {topic}",
]
_HEADINGS = [
    "What changes",
    "Who pays",
    "The numbers",
    "What critics say",
    "Why now",
    "Background",
    "What comes next",
    "The local view",
    "A closer look at {topic}",
    "How {place} did it",
    "The cost of {topic}",
    "Unanswered questions",
    "What the {body} says",
]
_LIST_ITEMS = [
    "a review of {topic} by {month}",
    "*{number} million euros* for {topic2}",
    "a public consultation in {place}",
    "new rules for {topic}, [summarised here](https://example.org/summary/{slug})",
    "**no change** to {topic2} until {year}",
    "a report to the {body} every {small} months",
    "pilot schemes in {small} towns",
]
_ORDINALS = ["second", "third", "fourth", "fifth", "sixth"]


def zipf_weights(count, exponent):
    """Cumulative weights of a Zipf-like law over `count` ranks: rank r is used in proportion
    to 1 / r**exponent (a few used everywhere, a long tail used rarely)."""
    return list(itertools.accumulate(1 / rank**exponent for rank in range(1, count + 1)))


def zipf_pick(rng, cumulative):
    """A rank (from 0) drawn under `cumulative` (zipf_weights)."""
    return min(bisect.bisect(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def ascii_words(text):
    """`text` without accents, lower case, words joined by dots: for made-up emails."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ".".join(plain.lower().replace("-", " ").split())


def tag_names():
    """Every tag name the data set may use: a qualifier and a subject ("offshore wind
    power"), more than enough for the 2,000 of the full size, in a fixed order."""
    subjects = sorted({subject for subjects in CATEGORIES.values() for subject in subjects})
    qualifiers = sorted(set(TAG_QUALIFIERS))
    combined = [subject for subject in subjects if not subject.startswith("the ")]
    return subjects + [f"{qualifier} {subject}" for qualifier in qualifiers for subject in combined]


def _with_article(word):
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _capitalised(text):
    return text[:1].upper() + text[1:]


class Writer:
    """Writes plausible text from `rng` (a seeded random.Random)."""

    def __init__(self, rng):
        self.rng = rng

    def choice(self, items):
        return items[self.rng.randrange(len(items))]

    def person(self):
        return f"{self.choice(FIRST_NAMES)} {self.choice(LAST_NAMES)}"

    def _fill(self, template, topics, slug=""):
        rng = self.rng
        topic, topic2 = self.choice(topics), self.choice(topics)
        values = {
            "topic": topic,
            "topic2": topic2 if topic2 != topic else self.choice(self._all_topics()),
            "place": self.choice(PLACES),
            "body": self.choice(BODIES),
            "person": self.person(),
            "role": self.choice(ROLES),
            "outlet": self.choice(OUTLETS),
            "adj": self.choice(ADJECTIVES),
            "trend": self.choice(TRENDS),
            "verb": self.choice(VERBS),
            "month": self.choice(MONTHS),
            "day": self.choice(DAYS),
            "year": rng.randrange(2008, 2026),
            "number": rng.randrange(2, 900),
            "small": rng.randrange(2, 12),
            "percent": rng.randrange(3, 80),
            "percent2": rng.randrange(3, 80),
            "ordinal": self.choice(_ORDINALS),
            "rare": self.choice(RARE_WORDS),
            "slug": slug or f"{rng.randrange(10**6):06d}",
        }
        values["a_adj"] = _with_article(values["adj"])
        values["a_rare"] = _with_article(values["rare"])
        values |= {name.capitalize(): _capitalised(str(value)) for name, value in values.items()}
        return template.format(**values)

    def _all_topics(self):
        return [topic for topics in CATEGORIES.values() for topic in topics]

    def article_sentence(self, topics):
        """A sentence of an article about `topics`, in Markdown, on one line."""
        return self._fill(self.choice(_ARTICLE_SENTENCES), topics)

    def comment_sentence(self, topics):
        """A reader's sentence about `topics`, in Markdown, on one line."""
        return self._fill(self.choice(_COMMENT_SENTENCES), topics)

    def heading(self, topics):
        """An h2 or h3 of an article body, in Markdown."""
        marks = "##" if self.rng.random() < 0.7 else "###"
        return f"{marks} {self._fill(self.choice(_HEADINGS), topics)}"

    def list_block(self, topics):
        """A bulleted or numbered list of three to five items, in Markdown."""
        count = self.rng.randint(3, 5)
        items = [self._fill(self.choice(_LIST_ITEMS), topics) for _ in range(count)]
        if self.rng.random() < 0.7:
            return "\n".join(f"- {item}" for item in items)
        return "\n".join(f"{number}. {item}" for number, item in enumerate(items, start=1))

    def headline(self, topics):
        return self._fill(self.choice(_HEADLINES), topics)

    def summary(self, topics):
        """One or two plain sentences (summaries are text, not Markdown)."""
        sentences = [self.article_sentence(topics) for _ in range(self.rng.randint(1, 2))]
        plain = " ".join(sentences)
        for mark in ("**", "*"):
            plain = plain.replace(mark, "")
        if "](" in plain:  # a link's text, without its address
            plain = self._fill(_ARTICLE_SENTENCES[0], topics)
        return plain[:480]

    def spam(self, topics):
        """A spammer's comment: three links or more, which the moderation policy holds."""
        return self._fill(self.choice(_SPAM), topics)

    def question(self, topics):
        return self._fill(self.choice(_QUESTIONS), topics)
