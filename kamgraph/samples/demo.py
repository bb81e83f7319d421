"""A deterministic, realistic sample portfolio to try kamgraph on.

Four accounts, with dates laid out backwards from an anchor date (default:
today) so that the data always looks current. The same anchor always gives
the same records.

The main account, **Northwind Logistics** (``northwind``), has 45 people in
eight departments under a real reporting tree, ten of our staff and 14 months of
meetings, and was built with the problems kamgraph exists to find:

* the economic buyer (CFO Ingrid Solberg) has not been met for eight months;
* the champion (enterprise architect Lena Fischer) is met by one of us only;
* one KAM (Maya Lindqvist) holds most of the relationship strength;
* the supply-chain director (Jonas Berg) is the only way into his department;
* the head of procurement (Greta Hoffmann), a key contact, left six weeks ago
  for another company, and her successor has not been met.

The other accounts give a portfolio to compare with: **Helios Health** (a
healthy many-to-many relationship), **Quarry Foods** (one-to-one, a staff
member who looked after it left) and **Orbit Telecom** (a young account).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from ..domain.dataset import Batch
from ..domain.models import Account, CompetitorTie, Meeting, Relationship, Staff, Stakeholder

__all__ = ["MAIN_ACCOUNT", "build_demo", "DEMO_PROBLEMS"]

#: The account ``kamgraph demo`` shows.
MAIN_ACCOUNT = "northwind"

#: The planted problems of the main account, by the ids involved (tests check them).
DEMO_PROBLEMS = {
    "economic_buyer_unmet": "nw-cfo",
    "single_threaded_champion": "nw-arch",
    "dominant_staff": "st-maya",
    "sole_bridge": "nw-sc-dir",
    "bridged_department": "Supply Chain",
    "departed_key_contact": "nw-proc-head",
}

# --------------------------------------------------------------------------- staff
# id, name, title, team, role, accounts, (left days ago, moved to)
_STAFF: list[tuple[str, str, str, str, str, str, tuple[int, str] | None]] = [
    ("st-maya", "Maya Lindqvist", "Senior Key Account Manager", "Key Accounts", "kam", "northwind", None),
    ("st-tom", "Tom Okafor", "Chief Revenue Officer", "Leadership", "exec_sponsor", "northwind;helios", None),
    ("st-priya", "Priya Raman", "Solution Architect", "Solutions", "solution_engineer", "northwind", None),
    ("st-lars", "Lars Becker", "Delivery Manager", "Delivery", "delivery", "northwind", None),
    ("st-chen", "Chen Wei", "Support Lead", "Customer Support", "support", "northwind;quarry", None),
    ("st-ana", "Ana Souza", "Solution Engineer", "Solutions", "solution_engineer", "northwind;orbit", None),
    ("st-jonas", "Jonas Meyer", "Delivery Consultant", "Delivery", "delivery", "northwind", None),
    ("st-fatima", "Fatima Haddad", "Commercial Manager", "Sales", "sales", "northwind", None),
    ("st-ken", "Ken Watanabe", "Product Manager", "Product", "product", "northwind;helios", None),
    ("st-nadia", "Nadia Petrova", "Customer Success Manager", "Delivery", "delivery", "northwind", None),
    ("st-oliver", "Oliver Grant", "Key Account Manager", "Key Accounts", "kam", "helios", None),
    ("st-ines", "Ines Duarte", "Solution Engineer", "Solutions", "solution_engineer", "helios", None),
    ("st-sam", "Sam Whitfield", "Delivery Manager", "Delivery", "delivery", "helios", None),
    ("st-sofia", "Sofia Rossi", "Key Account Manager", "Key Accounts", "kam", "quarry;orbit", None),
    ("st-rachel", "Rachel Moss", "Delivery Consultant", "Delivery", "delivery", "quarry",
     (75, "left the company")),
]

# --------------------------------------------------------------------------- stakeholders
# id, name, title, department, seniority, buying role, influence, attitude, reports_to
_Row = tuple[str, str, str, str, str, str | None, int, int, str | None]

_NORTHWIND: list[_Row] = [
    ("nw-ceo", "Helena Brandt", "Chief Executive Officer", "Executive", "c_level", "decision_maker", 5, 1, None),
    ("nw-coo", "Marcus Reyes", "Chief Operating Officer", "Executive", "c_level", "decision_maker", 5, 1, "nw-ceo"),
    ("nw-cfo", "Ingrid Solberg", "Chief Financial Officer", "Finance", "c_level", "economic_buyer", 5, 0, "nw-ceo"),
    ("nw-cio", "Rahul Mehta", "Chief Information Officer", "IT", "c_level", "decision_maker", 5, 1, "nw-ceo"),
    ("nw-exec-ea", "Claire Dubois", "Executive Assistant to the CEO", "Executive", "individual", "gatekeeper", 2, 1,
     "nw-ceo"),
    # Finance
    ("nw-fin-dir", "Paul Nguyen", "Finance Director", "Finance", "director", "influencer", 4, 0, "nw-cfo"),
    ("nw-fin-ctrl", "Sabine Keller", "Head of Controlling", "Finance", "manager", "influencer", 3, 0, "nw-fin-dir"),
    ("nw-fin-fpa", "Omar Aziz", "FP&A Manager", "Finance", "manager", None, 2, 0, "nw-fin-dir"),
    ("nw-fin-an1", "Julia Novak", "Financial Analyst", "Finance", "individual", None, 1, 0, "nw-fin-fpa"),
    ("nw-fin-an2", "Ravi Iyer", "Financial Analyst", "Finance", "individual", None, 1, 0, "nw-fin-fpa"),
    # Procurement
    ("nw-proc-head", "Greta Hoffmann", "Head of Procurement", "Procurement", "director", "decision_maker", 4, 1,
     "nw-cfo"),
    ("nw-proc-new", "Samir Patel", "Interim Head of Procurement", "Procurement", "director", "decision_maker", 4, 0,
     "nw-cfo"),
    ("nw-proc-cat1", "Elena Popescu", "Category Manager IT & Services", "Procurement", "manager", "gatekeeper", 3,
     0, "nw-proc-new"),
    ("nw-proc-cat2", "Tobias Lang", "Category Manager Logistics", "Procurement", "manager", None, 2, 0,
     "nw-proc-new"),
    ("nw-proc-buyer", "Mia Johansson", "Strategic Buyer", "Procurement", "individual", None, 2, 0, "nw-proc-cat1"),
    # IT
    ("nw-it-vp", "Daniel Cho", "VP IT Infrastructure", "IT", "vp", "technical_buyer", 4, 1, "nw-cio"),
    ("nw-arch", "Lena Fischer", "Lead Enterprise Architect", "IT", "director", "champion", 4, 2, "nw-cio"),
    ("nw-it-sec", "Victor Stahl", "Head of IT Security", "IT", "director", "blocker", 3, -1, "nw-cio"),
    ("nw-it-apps", "Aisha Bello", "Head of Business Applications", "IT", "director", "influencer", 3, 1,
     "nw-cio"),
    ("nw-it-ops", "Peter Lindgren", "IT Operations Manager", "IT", "manager", "user", 2, 1, "nw-it-vp"),
    ("nw-it-eng1", "Kofi Mensah", "Integration Engineer", "IT", "individual", "user", 2, 1, "nw-it-ops"),
    ("nw-it-eng2", "Hannah Weber", "Platform Engineer", "IT", "individual", "user", 1, 0, "nw-it-ops"),
    ("nw-it-eng3", "Luis Ortega", "Data Engineer", "IT", "individual", "user", 1, 1, "nw-it-apps"),
    ("nw-it-sec2", "Noah Schmidt", "Security Analyst", "IT", "individual", None, 1, 0, "nw-it-sec"),
    # Operations
    ("nw-ops-vp", "Sarah Collins", "VP Operations", "Operations", "vp", "decision_maker", 4, 1, "nw-coo"),
    ("nw-ops-m1", "Karim Haddad", "Operations Manager North", "Operations", "manager", "user", 3, 1, "nw-ops-vp"),
    ("nw-ops-m2", "Eva Kowalski", "Operations Manager South", "Operations", "manager", "user", 3, 0, "nw-ops-vp"),
    ("nw-ops-exc", "Ben Carter", "Operational Excellence Lead", "Operations", "manager", "coach", 3, 2, "nw-ops-vp"),
    ("nw-ops-wh1", "Zoe Martin", "Warehouse Lead Hamburg", "Operations", "individual", "user", 2, 1, "nw-ops-m1"),
    ("nw-ops-wh2", "Igor Petrov", "Warehouse Lead Rotterdam", "Operations", "individual", "user", 2, 0,
     "nw-ops-m1"),
    ("nw-ops-wh3", "Lucia Romero", "Warehouse Lead Barcelona", "Operations", "individual", "user", 2, 1,
     "nw-ops-m2"),
    ("nw-ops-hse", "Grace Liu", "Health & Safety Manager", "Operations", "manager", None, 2, 0, "nw-ops-vp"),
    # Supply chain: reached only through its director
    ("nw-sc-dir", "Jonas Berg", "Director Supply Chain", "Supply Chain", "director", "influencer", 4, 1, "nw-coo"),
    ("nw-sc-plan", "Amelie Roux", "Demand Planning Manager", "Supply Chain", "manager", "influencer", 3, 0,
     "nw-sc-dir"),
    ("nw-sc-trans", "Henrik Olsen", "Transport Manager", "Supply Chain", "manager", "user", 3, 0, "nw-sc-dir"),
    ("nw-sc-pl1", "Yuki Tanaka", "Demand Planner", "Supply Chain", "individual", "user", 2, 0, "nw-sc-plan"),
    ("nw-sc-pl2", "Marta Nowak", "Supply Planner", "Supply Chain", "individual", "user", 2, 0, "nw-sc-plan"),
    ("nw-sc-pl3", "Felix Braun", "Inventory Analyst", "Supply Chain", "individual", "user", 1, 0, "nw-sc-plan"),
    ("nw-sc-carr", "Dario Conti", "Carrier Relations Lead", "Supply Chain", "individual", None, 2, 0,
     "nw-sc-trans"),
    # Commercial
    ("nw-com-vp", "Olivia Hart", "VP Sales & Marketing", "Commercial", "vp", "influencer", 3, 0, "nw-ceo"),
    ("nw-com-cx", "Nina Jansen", "Head of Customer Experience", "Commercial", "director", "user", 3, 1,
     "nw-com-vp"),
    ("nw-com-mkt", "Adam Fox", "Marketing Manager", "Commercial", "manager", None, 2, 0, "nw-com-vp"),
    ("nw-com-kam", "Leila Amini", "Key Account Director", "Commercial", "director", None, 2, 0, "nw-com-vp"),
    ("nw-com-an", "Chris Evans", "Sales Operations Analyst", "Commercial", "individual", None, 1, 0, "nw-com-vp"),
    ("nw-legal", "Miriam Stein", "General Counsel", "Legal", "director", "gatekeeper", 3, 0, "nw-ceo"),
]

_HELIOS: list[_Row] = [
    ("he-ceo", "Robert Alvarez", "Chief Executive Officer", "Executive", "c_level", "decision_maker", 5, 1, None),
    ("he-cfo", "Anna Lindberg", "Chief Financial Officer", "Finance", "c_level", "economic_buyer", 5, 1, "he-ceo"),
    ("he-cmo", "Dr. Kwame Asante", "Chief Medical Officer", "Clinical", "c_level", "decision_maker", 5, 1,
     "he-ceo"),
    ("he-cio", "Sophie Laurent", "Chief Information Officer", "IT", "c_level", "technical_buyer", 4, 2, "he-ceo"),
    ("he-it-arch", "Mateo Silva", "Solution Architect", "IT", "manager", "champion", 4, 2, "he-cio"),
    ("he-it-ops", "Linnea Berg", "Head of IT Operations", "IT", "director", "user", 3, 1, "he-cio"),
    ("he-it-eng", "Arjun Rao", "Integration Engineer", "IT", "individual", "user", 2, 1, "he-it-ops"),
    ("he-fin-dir", "George Miller", "Finance Director", "Finance", "director", "influencer", 3, 0, "he-cfo"),
    ("he-proc", "Fiona Walsh", "Procurement Manager", "Finance", "manager", "gatekeeper", 3, 0, "he-fin-dir"),
    ("he-cl-dir", "Dr. Lisa Hoang", "Director of Nursing", "Clinical", "director", "influencer", 4, 1, "he-cmo"),
    ("he-cl-mgr", "Tom Becker", "Clinical Systems Manager", "Clinical", "manager", "user", 3, 2, "he-cl-dir"),
    ("he-cl-nurse", "Maria Santos", "Lead Nurse Informatics", "Clinical", "individual", "user", 2, 1, "he-cl-mgr"),
    ("he-ops-dir", "Hugo Petit", "Director of Operations", "Operations", "director", "decision_maker", 4, 1,
     "he-ceo"),
    ("he-ops-mgr", "Sara Khan", "Patient Logistics Manager", "Operations", "manager", "coach", 3, 2, "he-ops-dir"),
    ("he-ops-an", "Jakub Zielinski", "Operations Analyst", "Operations", "individual", "user", 2, 1, "he-ops-mgr"),
    ("he-qual", "Ruth Adeyemi", "Head of Quality", "Operations", "director", "influencer", 3, 0, "he-ops-dir"),
]

_QUARRY: list[_Row] = [
    ("qf-ceo", "Walter Brooks", "Managing Director", "Executive", "c_level", "economic_buyer", 5, 0, None),
    ("qf-ops", "Irene Costa", "Head of Operations", "Operations", "director", "decision_maker", 4, 1, "qf-ceo"),
    ("qf-plant", "Miguel Torres", "Plant Manager", "Operations", "manager", "champion", 4, 2, "qf-ops"),
    ("qf-it", "Derek Shaw", "IT Manager", "IT", "manager", "technical_buyer", 3, 0, "qf-ceo"),
    ("qf-qa", "Paula Ferreira", "Quality Manager", "Operations", "manager", "user", 2, 1, "qf-ops"),
    ("qf-fin", "Henry Clarke", "Finance Manager", "Finance", "manager", "influencer", 3, 0, "qf-ceo"),
    ("qf-buy", "Nora Lindahl", "Purchasing Officer", "Finance", "individual", "gatekeeper", 2, 0, "qf-fin"),
    ("qf-sup", "Ahmed Saleh", "Shift Supervisor", "Operations", "individual", "user", 2, 1, "qf-plant"),
    ("qf-log", "Kim Larsen", "Logistics Coordinator", "Operations", "individual", "user", 1, 0, "qf-plant"),
    ("qf-eng", "Tariq Hussain", "Maintenance Engineer", "Operations", "individual", "user", 1, 1, "qf-plant"),
]

_ORBIT: list[_Row] = [
    ("ot-cto", "Samantha Reid", "Chief Technology Officer", "Technology", "c_level", "economic_buyer", 5, 1, None),
    ("ot-net", "Marco Bianchi", "VP Network Operations", "Technology", "vp", "decision_maker", 4, 1, "ot-cto"),
    ("ot-arch", "Priyanka Das", "Principal Architect", "Technology", "director", "champion", 4, 2, "ot-cto"),
    ("ot-proc", "Leon Fischer", "Procurement Lead", "Procurement", "manager", "gatekeeper", 3, 0, "ot-cto"),
    ("ot-noc", "Ivy Chen", "NOC Manager", "Technology", "manager", "user", 2, 1, "ot-net"),
    ("ot-eng", "Ola Nordmann", "Network Engineer", "Technology", "individual", "user", 1, 1, "ot-noc"),
]

_ACCOUNTS = [
    Account(id="northwind", name="Northwind Logistics", tier="strategic", segment="Logistics",
            revenue=2_400_000, potential=4_100_000, category_spend=9_500_000, currency="EUR",
            criteria={"growth_potential": 8, "product_fit": 7, "strategic_value": 9},
            domains=["northwind-logistics.example"]),
    Account(id="helios", name="Helios Health", tier="key", segment="Healthcare",
            revenue=1_600_000, potential=2_200_000, category_spend=3_000_000, currency="EUR",
            criteria={"growth_potential": 6, "product_fit": 9, "strategic_value": 7},
            domains=["helioshealth.example"]),
    Account(id="quarry", name="Quarry Foods", tier="key", segment="Food & Beverage",
            revenue=650_000, potential=1_500_000, category_spend=2_600_000, currency="EUR",
            criteria={"growth_potential": 7, "product_fit": 6, "strategic_value": 5},
            domains=["quarryfoods.example"]),
    Account(id="orbit", name="Orbit Telecom", tier="development", segment="Telecom",
            revenue=180_000, potential=2_500_000, category_spend=6_000_000, currency="EUR",
            criteria={"growth_potential": 9, "product_fit": 7, "strategic_value": 8},
            domains=["orbit-telecom.example"]),
]


@dataclass(frozen=True)
class _Pattern:
    """A recurring contact: who meets whom, how, how often, and over which window (days ago)."""

    staff: tuple[str, ...]
    clients: tuple[str, ...]
    kind: str
    every: int
    start: int
    end: int = 0
    subject: str = "Meeting"


def _p(staff: str, clients: str, kind: str, every: int, start: int, end: int = 0, subject: str = "") -> _Pattern:
    return _Pattern(tuple(staff.split()), tuple(clients.split()), kind, every, start, end,
                    subject or kind.capitalize())


_NORTHWIND_PATTERNS = [
    # Executive: quarterly business reviews with the COO and CIO; the CFO stopped coming 8 months ago.
    _p("st-maya st-tom", "nw-coo nw-cio nw-ops-vp", "qbr", 91, 420, 0, "Quarterly business review"),
    _p("st-maya st-tom", "nw-cfo", "meeting", 1, 330, 330, "Budget planning with the CFO"),
    _p("st-maya st-tom", "nw-cfo", "qbr", 1, 240, 240, "Commercial review with finance"),
    _p("st-tom", "nw-ceo", "meeting", 110, 400, 15, "Executive sponsor check-in"),
    _p("st-maya", "nw-ceo nw-exec-ea", "event", 200, 300, 60, "Customer advisory board"),
    # The champion: only Maya meets Lena Fischer, but often.
    _p("st-maya", "nw-arch", "meeting", 14, 420, 0, "Architecture roadmap"),
    _p("st-maya", "nw-arch", "call", 12, 200, 0, "Weekly sync"),
    # IT
    _p("st-maya st-priya", "nw-it-vp", "meeting", 35, 400, 0, "Infrastructure planning"),
    _p("st-priya st-ana", "nw-it-apps nw-it-eng3", "workshop", 60, 380, 30, "Integration workshop"),
    _p("st-chen", "nw-it-ops nw-it-eng1 nw-it-eng2", "call", 42, 420, 0, "Support review"),
    _p("st-maya", "nw-cio", "meeting", 30, 420, 0, "CIO one-to-one"),
    _p("st-priya", "nw-it-sec", "meeting", 120, 330, 90, "Security assessment"),
    # Operations
    _p("st-maya st-lars", "nw-ops-vp", "meeting", 30, 420, 0, "Operations steering"),
    _p("st-maya", "nw-ops-vp nw-ops-m1 nw-ops-m2", "call", 45, 360, 0, "Service review"),
    _p("st-lars st-jonas", "nw-ops-m1 nw-ops-m2", "meeting", 49, 400, 0, "Rollout planning"),
    _p("st-jonas", "nw-ops-wh1 nw-ops-wh2 nw-ops-wh3", "workshop", 120, 380, 10, "Site workshop"),
    _p("st-nadia st-maya", "nw-ops-exc", "call", 40, 300, 0, "Adoption check-in"),
    # Supply chain: only the director is met.
    _p("st-maya", "nw-sc-dir", "meeting", 30, 420, 0, "Supply chain programme"),
    _p("st-maya st-ken", "nw-sc-dir", "workshop", 150, 380, 200, "Product roadmap session"),
    # Finance below the CFO: Maya and the commercial manager, but rarely.
    _p("st-maya st-fatima", "nw-fin-dir", "meeting", 60, 420, 0, "Budget and invoicing"),
    _p("st-maya", "nw-fin-dir nw-fin-ctrl", "call", 40, 300, 0, "Forecast call"),
    _p("st-fatima", "nw-fin-ctrl", "email", 45, 300, 0, "Invoice queries"),
    # Procurement: Greta was the key contact until she left six weeks ago.
    _p("st-maya st-fatima", "nw-proc-head", "meeting", 30, 420, 45, "Contract and renewal"),
    _p("st-fatima", "nw-proc-cat1", "email", 50, 300, 0, "Purchase orders"),
    # Commercial and legal
    _p("st-maya", "nw-com-cx", "meeting", 45, 360, 0, "Customer experience initiative"),
    _p("st-maya", "nw-legal", "meeting", 180, 330, 120, "Master agreement"),
    _p("st-maya", "nw-com-vp", "event", 150, 340, 100, "Industry conference"),
]

_HELIOS_PATTERNS = [
    _p("st-oliver st-tom", "he-ceo he-cfo he-cmo", "qbr", 91, 420, 0, "Quarterly business review"),
    _p("st-oliver", "he-cfo he-fin-dir", "meeting", 60, 420, 0, "Commercial review"),
    _p("st-tom", "he-ceo", "meeting", 90, 400, 0, "Executive sponsor check-in"),
    _p("st-ines st-oliver", "he-cio he-it-arch", "meeting", 30, 420, 0, "Architecture board"),
    _p("st-ines", "he-it-arch he-it-eng he-it-ops", "workshop", 40, 400, 0, "Integration workshop"),
    _p("st-sam", "he-it-ops he-it-eng", "call", 21, 420, 0, "Service review"),
    _p("st-sam st-oliver", "he-cl-dir he-cl-mgr", "meeting", 35, 420, 0, "Clinical rollout"),
    _p("st-sam st-ken", "he-cl-mgr he-cl-nurse", "workshop", 60, 380, 0, "Clinician feedback"),
    _p("st-oliver st-sam", "he-ops-dir he-ops-mgr", "meeting", 30, 420, 0, "Operations steering"),
    _p("st-sam", "he-ops-an he-ops-mgr", "call", 28, 300, 0, "Reporting sync"),
    _p("st-oliver st-ines", "he-proc he-fin-dir", "meeting", 90, 400, 0, "Procurement review"),
    _p("st-ken st-oliver", "he-cmo he-cl-dir", "meeting", 90, 380, 0, "Clinical strategy"),
    _p("st-oliver", "he-qual", "meeting", 60, 400, 0, "Quality audit prep"),
]

_QUARRY_PATTERNS = [
    _p("st-sofia", "qf-ceo", "meeting", 75, 420, 0, "Account review"),
    _p("st-sofia", "qf-ops qf-plant", "meeting", 30, 420, 0, "Operations review"),
    _p("st-sofia", "qf-plant", "call", 20, 300, 0, "Plant sync"),
    _p("st-rachel", "qf-plant qf-sup qf-qa", "workshop", 45, 420, 80, "Line rollout"),
    _p("st-rachel", "qf-it", "call", 30, 400, 80, "Integration call"),
    _p("st-chen", "qf-it", "call", 60, 200, 0, "Support review"),
    _p("st-sofia", "qf-fin qf-buy", "email", 60, 360, 0, "Renewal paperwork"),
]

_ORBIT_PATTERNS = [
    _p("st-sofia st-ana", "ot-arch ot-net", "meeting", 30, 240, 0, "Pilot planning"),
    _p("st-ana", "ot-noc ot-eng", "workshop", 45, 200, 0, "Pilot workshop"),
    _p("st-sofia", "ot-cto", "meeting", 120, 230, 0, "Executive introduction"),
    _p("st-sofia", "ot-proc", "email", 60, 150, 0, "Pilot contract"),
]

_PORTFOLIO = [
    ("northwind", _NORTHWIND, _NORTHWIND_PATTERNS),
    ("helios", _HELIOS, _HELIOS_PATTERNS),
    ("quarry", _QUARRY, _QUARRY_PATTERNS),
    ("orbit", _ORBIT, _ORBIT_PATTERNS),
]

# (stakeholder id, days ago, moved to)
_DEPARTURES = {"nw-proc-head": (45, "Contoso Retail"), "he-fin-dir": (300, "St. Mary's Hospital")}

#: Stakeholders leaning toward a competitor: (stakeholder, competitor, strength 1-5, days before the anchor, note).
_COMPETITOR_TIES = [
    ("nw-it-vp", "Contoso Freight Cloud", 4, 150, "ran their pilot at the Hamburg depot"),
    ("nw-cfo", "Contoso Freight Cloud", 2, 40, "asked for their price list"),
    ("he-cio", "Fabrikam Systems", 3, 75, "former Fabrikam architect"),
]

_RELATIONSHIPS = [
    Relationship(source="nw-arch", target="nw-it-vp", kind="knows", weight=1.0),
    Relationship(source="nw-arch", target="nw-it-apps", kind="knows", weight=0.8),
    Relationship(source="nw-ceo", target="nw-cfo", kind="influences", weight=1.0),
    Relationship(source="nw-ops-exc", target="nw-ops-vp", kind="influences", weight=0.7),
    Relationship(source="st-tom", target="nw-ceo", kind="knows", weight=1.0),
    Relationship(source="he-it-arch", target="he-cio", kind="influences", weight=0.9),
    Relationship(source="qf-plant", target="qf-ceo", kind="knows", weight=0.6),
]


def _email(name: str, domain: str) -> str:
    clean = "".join(ch for ch in name.lower().replace("dr. ", "") if ch.isalpha() or ch == " ")
    return ".".join(clean.split()) + "@" + domain


def _stakeholders(account: Account, rows: list[_Row], anchor: dt.date) -> list[Stakeholder]:
    people = []
    for sid, name, title, dept, level, role, influence, attitude, manager in rows:
        left = _DEPARTURES.get(sid)
        people.append(Stakeholder(
            id=sid, account=account.id, name=name, title=title, department=dept, seniority=level,
            buying_role=role, influence=influence, attitude=attitude, reports_to=manager,
            email=_email(name, account.domains[0]),
            left_on=anchor - dt.timedelta(days=left[0]) if left else None,
            moved_to=left[1] if left else None))
    # A dotted line: the operational excellence lead also reports to the CIO's architecture board.
    for i, p in enumerate(people):
        if p.id == "nw-ops-exc":
            people[i] = p.model_copy(update={"dotted_to": ["nw-arch"]})
    return people


def _meetings(account_id: str, patterns: list[_Pattern], anchor: dt.date, rng: random.Random,
              active_until: dict[str, dt.date]) -> list[Meeting]:
    meetings = []
    for pattern in patterns:
        span = pattern.start - pattern.end + 1
        day = pattern.start - rng.randrange(0, max(1, min(pattern.every, span) // 3))
        while day >= pattern.end:
            date = anchor - dt.timedelta(days=day)
            if date.weekday() >= 5:
                date -= dt.timedelta(days=date.weekday() - 4)
            present = [p for p in (*pattern.staff, *pattern.clients)
                       if p not in active_until or date < active_until[p]]
            if any(p.startswith("st-") for p in present) and any(not p.startswith("st-") for p in present):
                meetings.append(Meeting(
                    id=f"{account_id}-m{len(meetings) + 1:04d}", account=account_id, date=date,
                    kind=pattern.kind, subject=pattern.subject, source="demo",
                    attendees=present))
            day -= max(1, pattern.every + rng.randint(-pattern.every // 5, pattern.every // 5))
    meetings.sort(key=lambda m: (m.date, m.id))
    return [m.model_copy(update={"id": f"{account_id}-m{i + 1:04d}"}) for i, m in enumerate(meetings)]


def build_demo(anchor: dt.date | None = None, seed: int = 7) -> Batch:
    """The demo portfolio, dated backwards from ``anchor`` (default: today).

    Parameters
    ----------
    anchor : datetime.date, optional
        The "today" of the demo; the same anchor and seed give the same records.
    seed : int
        Seed of the jitter in meeting dates.

    Examples
    --------
    >>> import datetime as dt
    >>> b = build_demo(dt.date(2026, 1, 15))
    >>> len(b.accounts), sum(s.account == "northwind" for s in b.stakeholders) >= 40
    (4, True)
    """
    anchor = anchor or dt.date.today()
    rng = random.Random(seed)
    staff = []
    for sid, name, title, team, role, accounts, left in _STAFF:
        staff.append(Staff(id=sid, name=name, title=title, team=team, role=role, accounts=accounts,
                           email=_email(name, "ourcompany.example"),
                           left_on=anchor - dt.timedelta(days=left[0]) if left else None,
                           moved_to=left[1] if left else None))
    active_until = {s.id: s.left_on for s in staff if s.left_on}
    active_until.update({sid: anchor - dt.timedelta(days=d) for sid, (d, _) in _DEPARTURES.items()})
    accounts = {a.id: a for a in _ACCOUNTS}
    stakeholders: list[Stakeholder] = []
    meetings: list[Meeting] = []
    for account_id, rows, patterns in _PORTFOLIO:
        stakeholders += _stakeholders(accounts[account_id], rows, anchor)
        meetings += _meetings(account_id, patterns, anchor, rng, active_until)
    kinds = {s.id: "staff" for s in staff} | {s.id: "stakeholder" for s in stakeholders}
    ties = [CompetitorTie(stakeholder=sid, competitor=name, strength=strength,
                          since=anchor - dt.timedelta(days=days), note=note)
            for sid, name, strength, days, note in _COMPETITOR_TIES]
    return Batch(accounts=list(_ACCOUNTS), staff=staff, stakeholders=stakeholders, meetings=meetings,
                 relationships=list(_RELATIONSHIPS), person_kinds=kinds, competitor_ties=ties)
