"""Demo data: a realistic staffing agency, deterministic for a given seed."""
from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from backoffice.crypto import blind_index
from backoffice.db import utcnow
from backoffice.extensions import db
from backoffice.money import D, CENT
from backoffice.security.access import sync_permissions
from backoffice.security.models import User
from backoffice.uow import transaction
from backoffice.workers.models import Agency, Client, Engagement, StateRegistration, Worker

DEMO_PASSWORD = "tandem-demo-2026"

FIRST = ("James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
         "Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra "
         "Mark Ashley Donald Kimberly Steven Emily Paul Donna Andrew Michelle Joshua Carol Kenneth Amanda Kevin "
         "Melissa Brian Deborah George Stephanie Timothy Rebecca Ronald Sharon Jason Laura Edward Cynthia Jeffrey "
         "Kathleen Ryan Amy Jacob Angela Gary Shirley Nicholas Anna Eric Brenda Jonathan Pamela Stephen Emma "
         "Larry Nicole Justin Helen Scott Samantha Brandon Katherine Benjamin Christine Samuel Debra Gregory "
         "Rachel Alexander Carolyn Frank Janet Raymond Maria Patrick Catherine Jack Heather Dennis Diane Jerry "
         "Olivia Tyler Julie Aaron Joyce Jose Victoria Adam Ruth Nathan Virginia Henry Lauren Zachary Kelly "
         "Douglas Christina Peter Joan Kyle Evelyn Noah Judith Ethan Megan Jeremy Andrea Walter Cheryl Christian "
         "Hannah Keith Jacqueline Roger Martha Terry Gloria Austin Teresa Sean Ann Gerald Sara Carl Madison "
         "Harold Frances Dylan Kathryn Arthur Janice Lawrence Jean Jordan Abigail Jesse Alice Bryan Judy Billy "
         "Sophia Bruce Grace Gabriel Denise Joe Amber Logan Doris Alan Marilyn Juan Danielle Albert Beverly "
         "Willie Isabella Elijah Theresa Wayne Diana Randy Natalie Vincent Brittany Mason Charlotte Roy Marie "
         "Ralph Kayla Bobby Alexis Russell Lori Bradley Priya Wei Mei Hiroshi Aisha Omar Fatima Carlos Lucia").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
        "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
        "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
        "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz "
        "Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson "
        "Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray "
        "Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins "
        "Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero "
        "Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant "
        "Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez "
        "McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford "
        "Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer "
        "Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels").split()

# Where the demo agency places people: (state, weight, SUTA rate, sample cities). Only states whose 2026
# withholding and SUTA wage base the payroll engine covers, so every demo paycheck can be calculated.
STATE_MIX = (
    ("CA", 16, "0.034", ("Los Angeles", "San Diego", "San Jose", "Fresno", "Oakland")),
    ("TX", 13, "0.027", ("Houston", "Dallas", "Austin", "San Antonio")),
    ("FL", 9, "0.027", ("Miami", "Orlando", "Tampa", "Jacksonville")),
    ("NY", 8, "0.041", ("New York", "Buffalo", "Rochester", "Albany")),
    ("IL", 6, "0.0325", ("Chicago", "Naperville", "Springfield")),
    # PA: only places whose earned income tax the local data holds for every demo pay date (DEMO_PSD); three
    # entries keep the random draws as they were when all three were Pittsburgh
    ("PA", 6, "0.03822", ("Philadelphia", "Pittsburgh", "Philadelphia")),
    ("WA", 5, "0.012", ("Seattle", "Spokane", "Tacoma")),
    ("AZ", 4, "0.02", ("Phoenix", "Tucson", "Mesa")),
    ("CO", 4, "0.017", ("Denver", "Boulder", "Aurora")),
    ("NC", 4, "0.01", ("Charlotte", "Raleigh", "Durham")),
    ("MI", 3, "0.027", ("Detroit", "Grand Rapids", "Lansing")),
    ("TN", 3, "0.027", ("Nashville", "Memphis", "Knoxville")),
    ("NV", 3, "0.0295", ("Las Vegas", "Reno")),
    ("IN", 2, "0.025", ("Indianapolis", "Fort Wayne")),
    ("KY", 2, "0.027", ("Louisville", "Lexington")),
    ("LA", 1, "0.0209", ("New Orleans", "Baton Rouge")),
    ("NH", 1, "0.017", ("Manchester", "Nashua")),
    # 2.4%: Oregon's 2026 new-employer rate (payroll/engine/data/2026/suta_wage_bases.json)
    ("OR", 3, "0.024", ("Portland", "Salem", "Eugene")),
)

# Where demo people live and work, as local taxes need it (payroll/engine/data/<year>/locals/): the Pennsylvania PSD
# codes of the demo's PA cities (DEMO_PSD) and the Indiana counties of its IN cities (DEMO_COUNTY), both in the local
# data for every demo pay date; demo workers elsewhere in PA or IN would be held by runs until HR set them, as real
# ones would be.
DEMO_PSD = {("PA", "Philadelphia"): "510101", ("PA", "Pittsburgh"): "700102"}
DEMO_COUNTY = {("IN", "Indianapolis"): "Marion", ("IN", "Fort Wayne"): "Allen"}
# Oregon's transit districts of the demo's OR cities (TriMet: Portland; Lane Transit District: Eugene)
DEMO_TRANSIT = {("OR", "Portland"): "TRIMET", ("OR", "Eugene"): "LTD"}
# A worker from another state placed in PA, IN or OR works at this site (its city, county, PSD, transit district).
DEMO_SITE = {"PA": ("Pittsburgh", "", "700102", ""), "IN": ("Indianapolis", "Marion", "", ""),
             "OR": ("Portland", "", "", "TRIMET")}


def demo_work_site(work_state: str, worker: dict) -> dict:
    """An engagement's work site for local taxes. In PA (Act 32 needs its PSD code), IN (the county tax of a worker
    from another state is the work county's) and OR (TriMet and Lane Transit are taxes on work sites): where the
    worker lives when that is in the work state, else DEMO_SITE. A Colorado worker works from home (Denver's
    occupational privilege tax then shows on a Denver resident's paystub; Aurora repealed its own in 2025).
    Elsewhere the client's address stands for the work site."""
    site = dict(work_city="", work_county="", work_psd_code="", work_transit_district="")
    if work_state == "CO" and worker["state"] == "CO":
        site["work_city"] = worker["city"]
    elif work_state in DEMO_SITE and worker["state"] == work_state:
        site.update(work_city=worker["city"], work_county=worker["county"], work_psd_code=worker["psd_code"],
                    work_transit_district=DEMO_TRANSIT.get((work_state, worker["city"]), ""))
    elif work_state in DEMO_SITE:
        site.update(zip(("work_city", "work_county", "work_psd_code", "work_transit_district"), DEMO_SITE[work_state]))
    return site


# First three digits of ZIP codes in each state (USPS sectional centers), so demo addresses agree with the state.
ZIP3 = {"CA": (900, 961), "TX": (750, 799), "FL": (320, 349), "NY": (100, 149), "IL": (600, 629),
        "PA": (150, 196), "WA": (980, 994), "AZ": (850, 865), "CO": (800, 816), "NC": (270, 289),
        "MI": (480, 499), "TN": (370, 385), "NV": (889, 898), "IN": (460, 479), "KY": (400, 427),
        "LA": (700, 714), "NH": (30, 38), "OR": (970, 979)}

CLIENTS = (
    ("Northwind Logistics", "IL", "warehouse associate", "25.00", "36.25"),
    ("Contoso Health", "CA", "medical assistant", "27.50", "41.00"),
    ("Fabrikam Manufacturing", "MI", "machine operator", "22.00", "31.90"),
    ("Lakeshore Software", "WA", "software engineer", "78.00", "118.00"),
    ("Tailspin Events", "NV", "event staff", "19.50", "28.00"),
    ("Adatum Energy", "TX", "field technician", "34.00", "49.30"),
    ("Blue Yonder Retail", "FL", "merchandiser", "17.75", "25.75"),
    ("Proseware Legal", "NY", "paralegal", "38.00", "57.00"),
    ("Wide World Freight", "PA", "CDL driver", "29.00", "42.00"),
    ("Coho Hospitality", "AZ", "front desk agent", "18.25", "26.50"),
)


def _ssn(rng: random.Random) -> str:
    while True:
        area = rng.randint(100, 665)
        if area != 666:
            return f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"


def seed_demo(n_workers: int = 200, seed: int = 42, if_empty: bool = False, today: date | None = None,
              history: int | None = None) -> list[str]:
    """Create the demo agency; with `history` (a past year), also a complete paid year of payroll after the
    demo's own steps (the steps domains register with add_demo_history). Returns lines to print (including the
    demo logins)."""
    with transaction():
        sync_permissions()
    if if_empty and db.session.execute(sa.select(Worker.id).limit(1)).first():
        return ["demo data already present; nothing added"] + demo_logins()
    rng = random.Random(seed)  # nosec B311 # demo data, reproducible by seed
    today = today or date(2026, 11, 22)
    lines = [_seed_agency(rng, n_workers, today)]
    for step in current_app.extensions.get("demo_steps", ()):  # each domain's demo, in domain order
        lines.extend(step(rng=rng, today=today) or [])
    if history is not None:
        steps = current_app.extensions.get("demo_history", ())
        if not steps:
            lines.append(f"history: no payroll domain to pay {history}; nothing added")
        for step in steps:
            # its own random stream: the year paid does not change the agency a seed gives
            lines.extend(step(rng=random.Random(seed * 1000 + history), today=today, year=history) or [])  # nosec B311
    return lines + demo_logins()


@transaction()
def _seed_agency(rng: random.Random, n_workers: int, today: date) -> str:
    """The agency, its clients, workers, engagements and demo logins, in one transaction; says what it made."""
    agency = Agency(legal_name="Tandem Staffing Partners LLC", ein="84-1234567", address_line1="500 Market St",
                    city="Denver", state="CO", postal_code="80202", phone="303-555-0100")
    for state, _w, rate, _c in STATE_MIX:
        agency.registrations.append(StateRegistration(state=state, withholding_account=f"{state}-WH-{rng.randint(10**6, 10**7-1)}",
                                                      suta_account=f"{state}-UI-{rng.randint(10**6, 10**7-1)}",
                                                      suta_rate=D(rate)))
    db.session.add(agency)
    clients = []
    for name, st, _t, _p, _b in CLIENTS:
        slug = name.split()[0].lower()
        clients.append(Client(name=name, legal_name=f"{name} Inc.", billing_contact_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                              billing_email=f"ap@{slug}.example.com", state=st, city="", payment_terms_days=rng.choice((15, 30, 45)),
                              billing_method=rng.choice(("bill_rate", "cost_plus")), markup_rate=D("0.4500")))
    db.session.add_all(clients)
    db.session.flush()

    states = [s for s, w, _r, _c in STATE_MIX for _ in range(w)]
    cities = {s: c for s, _w, _r, c in STATE_MIX}
    now = utcnow()
    worker_rows, eng_rows = [], []
    # Worker numbers in e-mail addresses continue after existing workers; the database assigns the ids.
    first_no = (db.session.execute(sa.select(sa.func.max(Worker.id))).scalar() or 0) + 1
    used_ssn = set()
    for i in range(n_workers):
        wid = i  # index into worker_rows; replaced by the database id after the insert
        fn, ln = rng.choice(FIRST), rng.choice(LAST)
        st = rng.choice(states)
        ssn = _ssn(rng)
        while ssn in used_ssn:
            ssn = _ssn(rng)
        used_ssn.add(ssn)
        birth = date(1960, 1, 1) + timedelta(days=rng.randint(0, 365 * 44))
        worker_rows.append({
            "first_name": fn, "middle_name": "", "last_name": ln, "tin_type": "ssn",
            "tin": ssn, "tin_last4": ssn[-4:], "tin_index": blind_index(ssn), "tin_flagged": False,
            "birth_date": birth, "email": f"{fn.lower()}.{ln.lower()}.{first_no + i}@workers.example.com",
            "phone": f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            "address_line1": f"{rng.randint(10, 9999)} {rng.choice(LAST)} {rng.choice(('St', 'Ave', 'Rd', 'Blvd'))}",
            "address_line2": "", "city": rng.choice(cities[st]), "state": st,
            "postal_code": f"{rng.randint(*ZIP3[st]):03d}{rng.randint(1, 99):02d}", "status": "active",
            "created_at": now, "updated_at": now,
        })
        worker_rows[-1]["psd_code"] = DEMO_PSD.get((st, worker_rows[-1]["city"]), "")
        worker_rows[-1]["county"] = DEMO_COUNTY.get((st, worker_rows[-1]["city"]), "")
        n_eng = 2 if rng.random() < 0.12 else 1
        for k in range(n_eng):
            ci = rng.randrange(len(clients))
            _n, _cs, title, pay, bill = CLIENTS[ci]
            typ = "contractor" if rng.random() < 0.3 else "leased_employee"
            rate = (D(pay) * D(rng.randint(90, 125)) / 100).quantize(CENT)
            start = today - timedelta(days=rng.randint(30, 900))
            eng_rows.append({
                "worker_id": wid, "client_id": clients[ci].id, "type": typ, "title": title,
                "work_state": st if k == 0 else rng.choice(states), "pay_rate": rate,
                "pay_unit": "hour", "bill_rate": (rate * D(bill) / D(pay)).quantize(CENT),
                "pay_frequency": rng.choice(("weekly", "biweekly", "biweekly", "semimonthly")),
                "start_date": start, "end_date": None, "status": "active",
                "classification": None, "overtime_exempt": False, "created_at": now, "updated_at": now,
            })
            eng_rows[-1].update(demo_work_site(eng_rows[-1]["work_state"], worker_rows[-1]))
            if DEMO_TRANSIT.get((st, worker_rows[-1]["city"])) == "LTD":
                # the demo's Eugene people were hired this year: Lane Transit District's rate for earlier years is
                # not in the data (2025 is refused, and a run holds a worker living or working in the district), so
                # none of their engagements reaches back into a history year (seed-demo --history)
                eng_rows[-1]["start_date"] = max(start, date(today.year, 1, 1))
    ids: list[int] = []
    insert_workers = sa.insert(Worker).returning(Worker.id, sort_by_parameter_order=True)
    for chunk in range(0, len(worker_rows), 5000):
        ids.extend(db.session.execute(insert_workers, worker_rows[chunk:chunk + 5000]).scalars())
    for row in eng_rows:
        row["worker_id"] = ids[row["worker_id"]]
    for chunk in range(0, len(eng_rows), 5000):
        db.session.execute(sa.insert(Engagement), eng_rows[chunk:chunk + 5000])
    db.session.flush()

    # the agency's Washington size as ESD would count it (its leased employees working there: under 50), so WA
    # paystubs show Paid Family and Medical Leave without the employer's share (docs/state-taxes.md)
    wa = sum(1 for row in eng_rows if row["work_state"] == "WA" and row["type"] == "leased_employee")
    next(r for r in agency.registrations if r.state == "WA").employer_size = wa
    _demo_users(clients[0].id, ids[0])
    return (f"seeded agency with {len(clients)} clients, {n_workers} workers, {len(eng_rows)} engagements "
            f"({wa} employees in Washington: no employer share of WA Paid Leave under 50)")


DEMO_USERS = (("admin@tandem.example", "admin"), ("hr@tandem.example", "hr"),
              ("finance@tandem.example", "finance"), ("compliance@tandem.example", "compliance"),
              ("approver@tandem.example", "client_approver"), ("worker@tandem.example", "worker"),
              ("hr2@tandem.example", "hr"))


def _demo_users(client_id: int, worker_id: int) -> None:
    for email, role in DEMO_USERS:
        if db.session.execute(sa.select(User.id).where(User.email == email)).first():
            continue
        u = User(email=email, role=role, name=email.split("@")[0].title(),
                 client_id=client_id if role == "client_approver" else None,
                 worker_id=worker_id if role == "worker" else None)
        u.set_password(DEMO_PASSWORD)
        db.session.add(u)


def demo_logins() -> list[str]:
    return ["", "Demo logins (password for all: %s):" % DEMO_PASSWORD] + [
        f"  {role:<16} {email}" for email, role in DEMO_USERS]
