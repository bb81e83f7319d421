"""Salesforce CSV exports: Account, Contact, User, Event, EventRelation and Task.

Reads what the Data Loader, Workbench and report "Details only" CSV exports
write: API names in any case (``ACCOUNTID``, ``AccountId``) or report labels
(``Account ID``), a UTF-8 byte-order mark or Windows-1252, quoted cells over
several lines, the report footer. Which object a file holds is told from its
header (and the key prefix of its ids: ``001`` Account, ``003`` Contact,
``005`` User, ``00U`` Event, ``00T`` Task); export every object you want into its own file
and import them together.

Ids come in a 15-character case-sensitive form and an 18-character form
with a checksum; both name the same record and are stored in the 18-character
form (:func:`sf_id`).

* **Account** -> account: ``Name``, ``Industry`` (segment), ``Website``
  (domain), a ``Tier`` column if there is one; ``OwnerId`` joins the owner
  to the account team.
* **Contact** -> stakeholder: ``FirstName``/``LastName`` (or ``Name``),
  ``Title``, ``Department``, ``Email``, ``AccountId``, ``ReportsToId``
  (solid reporting line), ``OwnerId`` (joins the owner to the account team).
* **User** -> staff: ``Name``, ``Email``, ``Title``, ``Department`` (team).
* **Event** -> meeting: ``ActivityDate`` (else ``StartDateTime`` dated in the
  ``[ingest] timezone``), ``Subject``, ``Type`` (kind), ``AccountId``;
  attendees are ``OwnerId``, ``WhoId`` and the EventRelation rows.
* **EventRelation** -> attendees: ``EventId``, ``RelationId``; declined
  invitations and non-person relations (``IsWhat``) do not count.
* **Task** -> a call or an e-mail (its kind, so it counts with that kind's
  weight): ``TaskSubtype`` ``Call`` or ``Email`` (else ``Type``), dated by
  ``ActivityDate`` (else ``CompletedDateTime``); attendees ``OwnerId`` and
  ``WhoId``. A to-do that names no kind of contact is skipped, and so is a
  task without a date (an open task not yet scheduled) -- each with its
  reason; neither stops the rest of the import.
* **OpportunityContactRole** -> the buying role of a contact: ``ContactId``,
  ``Role`` (``Economic Buyer``, ``Decision Maker``, ``Technical Buyer``,
  ``Business User``, ``Influencer``, ``Evaluator``, ``Executive Sponsor``);
  the primary role (``IsPrimary``) wins over the others of the same contact.

A record that matches a known person or account by e-mail address (people)
or by name or web domain (accounts) updates that record instead of creating a
second one. Deleted rows (``IsDeleted``), invitee copies of group events
(``IsChild``), contacts without an account and events without a client or
staff attendee are skipped with their reason.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from ..domain.models import Account, BuyingRole, Meeting, MeetingKind, Staff, Stakeholder
from ..errors import InputError, StoreError
from ..settings import IngestSettings
from .directory import Directory, clean_email, domain_of_site
from .parsed import Located, Origin, Parsed, validate_record
from .progress import SILENT, Progress
from .tabular import Row, Table, norm, parse_bool, parse_day, read_table

__all__ = ["read_salesforce", "looks_like_salesforce", "sf_id", "sf_object", "SOURCE"]

#: ``source`` of the meetings this module makes.
SOURCE = "salesforce"

_HALLMARKS = {"accountid", "reportstoid", "ownerid", "isdeleted", "eventid", "relationid", "startdatetime",
              "activitydatetime", "activitydate", "isalldayevent", "whoid", "whatid", "billingcity",
              "billingcountry", "systemmodstamp", "createdbyid", "contactid", "username", "isactive",
              "mailingcity", "accountname", "contactowner", "accountowner", "tasksubtype", "calltype",
              "completeddatetime"}
_PREFIXES = {"001": "Account", "003": "Contact", "005": "User", "00U": "Event", "0RE": "EventRelation",
             "00T": "Task", "00K": "OpportunityContactRole"}
#: Salesforce's standard contact roles -> kamgraph buying roles (others are left out).
_ROLES = {"economic buyer": BuyingRole.ECONOMIC_BUYER, "economic decision maker": BuyingRole.ECONOMIC_BUYER,
          "decision maker": BuyingRole.DECISION_MAKER, "technical buyer": BuyingRole.TECHNICAL_BUYER,
          "evaluator": BuyingRole.TECHNICAL_BUYER, "business user": BuyingRole.USER,
          "influencer": BuyingRole.INFLUENCER, "executive sponsor": BuyingRole.DECISION_MAKER,
          "champion": BuyingRole.CHAMPION, "coach": BuyingRole.COACH, "gatekeeper": BuyingRole.GATEKEEPER,
          "blocker": BuyingRole.BLOCKER}
_TASK_COLUMNS = {"tasksubtype", "calltype", "calldurationinseconds", "calldisposition", "callobject",
                 "completeddatetime", "isrecurrence", "recurrenceinterval", "taskid"}
#: A Task's subtype (else its Type) -> the kind of contact it records; other tasks are to-dos.
_TASK_KINDS = {"call": MeetingKind.CALL, "email": MeetingKind.EMAIL, "listemail": MeetingKind.EMAIL,
               "linkedin": MeetingKind.EMAIL, "meeting": MeetingKind.MEETING}
_ID_RE = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

_ID = ("id",)
_CONTACT_ID = ("id", "contactid")
_ACCOUNT_ID = ("accountid", "accountaccountid")
_OWNER = ("ownerid", "owneroid", "contactownerid", "accountownerid", "assignedid")
_WHO = ("whoid", "nameid", "contactid")


def sf_id(value: str | None) -> str | None:
    """The 18-character form of a Salesforce id (15 or 18 characters); None for an empty or null id.

    The last three characters of the long form encode which of the first 15
    are upper case, so ``001A0000006Vm9r`` and ``001A0000006Vm9rIAC`` are the
    same record.

    Examples
    --------
    >>> sf_id("001A0000006Vm9r"), sf_id("001A0000006Vm9rIAC"), sf_id("001a0000006vm9riac")
    ('001A0000006Vm9rIAC', '001A0000006Vm9rIAC', '001a0000006vm9rAAA')
    >>> sf_id(""), sf_id("000000000000000AAA")
    (None, None)
    """
    text = (value or "").strip()
    if not text or set(text[:15]) == {"0"}:
        return None
    if not _ID_RE.match(text):
        raise ValueError(f"not a Salesforce id (15 or 18 letters and digits): {text!r}")
    head = text[:15]
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << i for i, char in enumerate(head[start:start + 5]) if "A" <= char <= "Z")
        suffix += _SUFFIX[bits]
    return head + suffix


def looks_like_salesforce(header: Sequence[str], path: Path | None = None) -> bool:
    """True when a CSV header has columns only Salesforce exports have."""
    return bool({norm(h) for h in header} & _HALLMARKS)


def sf_object(table: Table) -> str | None:
    """Which object a Salesforce export holds: Account, Contact, User, Event, EventRelation or Task."""
    cols = set(table.original)
    if {"eventid", "relationid"} <= cols:
        return "EventRelation"
    if {"contactid", "role"} <= cols and cols & {"opportunityid", "isprimary"}:
        return "OpportunityContactRole"
    first = next((r.get(*_ID) for r in table.rows if r.get(*_ID)), None)
    if first and first[:3] in _PREFIXES:
        return _PREFIXES[first[:3]]
    if cols & _TASK_COLUMNS:
        return "Task"
    if cols & {"startdatetime", "activitydatetime", "isalldayevent", "durationinminutes", "activityid", "whoid"}:
        return "Event"
    if cols & {"username", "userid", "federationidentifier"}:
        return "User"
    if cols & {"reportstoid", "contactid", "lastname", "firstname"}:
        return "Contact" if cols & {"accountid", "contactid", "reportstoid", "accountname"} else "User"
    if cols & {"accountid", "accountname", "name", "website", "industry", "billingcity"}:
        return "Account"
    stem = table.path.stem.lower()
    for hint in ("eventrelation", "event", "task", "contact", "user", "account"):
        if hint in stem:
            return {"eventrelation": "EventRelation"}.get(hint, hint.capitalize())
    return None


def _id(row: Row, *names: str, required: bool = False) -> str | None:
    try:
        value = sf_id(row.get(*names))
    except ValueError as exc:
        raise row.error(str(exc), *names) from None
    if value is None and required:
        raise row.error("required, but empty", *names)
    return value


def _name(row: Row, *labels: str) -> str:
    full = row.get("name", "fullname", *labels)
    if full:
        return full
    parts = [row.get("firstname"), row.get("lastname")]
    name = " ".join(p for p in parts if p)
    if not name:
        raise row.error("a name is required, but the row has none", "lastname", "name", *labels)
    return name


def _given(row: Row, data: dict[str, object], field: str, *names: str) -> None:
    """Set ``field`` when the export gives a value (an empty cell keeps what is known)."""
    value = row.get(*names)
    if value is not None:
        data[field] = value


class _Reader:
    def __init__(self, directory: Directory, settings: IngestSettings, progress: Progress) -> None:
        self.directory = directory
        self.settings = settings
        self.progress = progress
        self.parsed = Parsed()
        self.alias: dict[str, str] = {}  # Salesforce id -> kamgraph id
        self.account_owners: list[tuple[str, str, Row]] = []
        self.unlinked: dict[str, list[Row]] = defaultdict(list)

    def resolve(self, sfid: str | None) -> str | None:
        """The kamgraph id of a Salesforce id: the record this import made of it, else the record an earlier
        pull wrote it as (its provenance: a user or contact matched by e-mail keeps the stored id), else
        the id itself."""
        if sfid is None:
            return None
        if sfid not in self.alias:
            self.alias[sfid] = self._stored_as(sfid) or sfid
        return self.alias[sfid]

    def prefetch(self, tables: Sequence[Table], *columns: Sequence[str]) -> None:
        """Resolve every Salesforce id in these ``columns`` (each a tuple of names) of ``tables`` at once.

        One look-up of the people and one of the provenance for all of them, instead of two round trips per id
        this import did not make (an Event export names thousands of contacts and leads; on Neo4j each trip is
        a query). :meth:`resolve` then finds them in ``alias``. A malformed id is left for the row's own turn,
        so that errors come in file order.
        """
        wanted: set[str] = set()
        for table in tables:
            for row in table.rows:
                for names in columns:
                    try:
                        sfid = _id(row, *names)
                    except InputError:
                        continue
                    if sfid is not None and sfid not in self.alias:
                        wanted.add(sfid)
        if not wanted:
            return
        todo = sorted(wanted)
        self.directory.prefetch(ids=todo)
        unknown = [s for s in todo if self.directory.by_id(s) is None and self.directory.account(s) is None]
        stored: dict[str, str] = {}
        if unknown:
            try:
                entries = self.directory.store.provenance_from(SOURCE, unknown)
            except StoreError:  # a store that keeps no provenance
                entries = []
            for entry in entries:  # sorted by key, so the first that is not a meeting, as in _stored_as
                if entry.kind != "meeting":
                    stored.setdefault(entry.source_id, entry.record_id)
        for sfid in todo:
            self.alias[sfid] = stored.get(sfid, sfid)

    def _stored_as(self, sfid: str) -> str | None:
        """The record an earlier pull wrote this Salesforce record as, when it is not stored by this id."""
        if self.directory.by_id(sfid) is not None or self.directory.account(sfid) is not None:
            return None
        try:
            entries = self.directory.store.provenance_from(SOURCE, [sfid])
        except StoreError:  # a store that keeps no provenance
            return None
        return next((e.record_id for e in entries if e.kind != "meeting"), None)

    # -- objects --------------------------------------------------------------------
    def users(self, table: Table) -> None:
        for row in table.rows:
            self.progress.advance()
            if parse_bool(row.get("isdeleted")):
                self.parsed.skip(table.name, row.line, "deleted in Salesforce", row=row.raw)
                continue
            kind = (row.get("usertype") or "Standard").lower()
            if kind != "standard":
                self.parsed.skip(table.name, row.line, "not an internal user", kind, row.raw)
                continue
            sfid = _id(row, "id", "userid", required=True)
            assert sfid is not None
            email = clean_email(row.get("email"))
            known = self.directory.by_email(email)
            pid = known.id if isinstance(known, Staff) else sfid
            self.alias[sfid] = pid
            data: dict[str, object] = {"id": pid, "name": _name(row)}
            _given(row, data, "title", "title")
            _given(row, data, "team", "department")
            if email:
                data["email"] = email
            staff = validate_record(Staff, data, table.name, row.line).record
            self.directory.keep(self.parsed, staff, table.name, row.line)
            self.parsed.origins.append(Origin("staff", pid, SOURCE, sfid))

    def accounts(self, table: Table) -> None:
        for row in table.rows:
            self.progress.advance()
            if parse_bool(row.get("isdeleted")):
                self.parsed.skip(table.name, row.line, "deleted in Salesforce", row=row.raw)
                continue
            sfid = _id(row, "id", "accountid", required=True)
            assert sfid is not None
            name = _name(row, "accountname")
            site = domain_of_site(row.get("website") or "")
            known = (self.directory.account(sfid) and sfid) or (name and self.directory.account_by_name(name)) or (
                site and self.directory.account_for_domain(site))
            aid = known or sfid
            self.alias[sfid] = aid
            data: dict[str, object] = {"id": aid, "name": name}
            _given(row, data, "segment", "industry")
            _given(row, data, "tier", "tier", "tierc", "accounttier", "accounttierc")
            if site:
                data["domains"] = [site]
            account = validate_record(Account, data, table.name, row.line).record
            self.directory.keep(self.parsed, account, table.name, row.line)
            self.parsed.origins.append(Origin("account", aid, SOURCE, sfid))
            owner = _id(row, *_OWNER)
            if owner:
                self.account_owners.append((aid, owner, row))

    def contacts(self, table: Table) -> None:
        pending: list[tuple[Row, dict[str, object], str | None, str]] = []
        for row in table.rows:
            self.progress.advance()
            if parse_bool(row.get("isdeleted")):
                self.parsed.skip(table.name, row.line, "deleted in Salesforce", row=row.raw)
                continue
            sfid = _id(row, *_CONTACT_ID, required=True)
            assert sfid is not None
            account = self.resolve(_id(row, *_ACCOUNT_ID))
            if account is None and (label := row.get("accountname")):
                account = self.directory.account_by_name(label)
            if account is None or self.directory.account(account) is None:
                reason = "no account" if account is None else "account not in this import or the store"
                self.parsed.skip(table.name, row.line, reason, row.get(*_ACCOUNT_ID) or "", row.raw)
                continue
            email = clean_email(row.get("email"))
            known = self.directory.by_email(email)
            pid = known.id if isinstance(known, Stakeholder) else sfid
            self.alias[sfid] = pid
            data: dict[str, object] = {"id": pid, "account": account, "name": _name(row, "contactname"),
                                       "verified": True}
            _given(row, data, "title", "title")
            _given(row, data, "department", "department")
            if email:
                data["email"] = email
            pending.append((row, data, _id(row, "reportstoid"), sfid))
            owner = _id(row, *_OWNER)
            if owner:
                self.account_owners.append((account, owner, row))
        contacts = {str(data["id"]) for _, data, _, _ in pending}
        for row, data, manager, sfid in pending:  # managers may come later in the file
            target = self.resolve(manager)
            if target is None or target == data["id"]:
                pass
            elif target in contacts or isinstance(self.directory.by_id(target), Stakeholder):
                data["reports_to"] = target
            else:
                self.unlinked["ReportsToId names no contact of this import or the store"].append(row)
            person = validate_record(Stakeholder, data, table.name, row.line).record
            self.directory.keep(self.parsed, person, table.name, row.line)
            self.parsed.origins.append(Origin("stakeholder", person.id, SOURCE, sfid))

    def owners(self) -> None:
        """Put the owners of accounts and contacts on the account teams."""
        teams: dict[str, set[str]] = defaultdict(set)
        origin: dict[str, Row] = {}
        for account, owner, row in self.account_owners:
            sid = self.resolve(owner)
            if sid is not None and isinstance(self.directory.by_id(sid), Staff):
                teams[sid].add(account)
                origin.setdefault(sid, row)
            else:
                self.unlinked["OwnerId names no user of this import or the store"].append(row)
        for sid, accounts in sorted(teams.items()):
            staff = self.directory.by_id(sid)
            assert isinstance(staff, Staff)
            update = staff.model_copy(update={"accounts": sorted(set(staff.accounts) | accounts)})
            self.directory.add_person(update)
            row = origin[sid]
            self.parsed.staff.append(Located(update, row.table.name, row.line, partial=True))

    def events(self, tables: list[Table], relations: list[Table]) -> None:
        self.prefetch(tables, _OWNER, _WHO, _ACCOUNT_ID)
        self.prefetch(relations, ("relationid",))
        invited: dict[str, list[str]] = defaultdict(list)
        event_ids: set[str] = set()
        for table in tables:
            for row in table.rows:
                sfid = _id(row, "id", "activityid", "eventid")
                if sfid:
                    event_ids.add(sfid)
        for table in relations:
            for row in table.rows:
                self.progress.advance()
                if parse_bool(row.get("isdeleted")):
                    self.parsed.skip(table.name, row.line, "deleted in Salesforce", row=row.raw)
                    continue
                event = _id(row, "eventid", required=True)
                relation = _id(row, "relationid", required=True)
                assert event is not None and relation is not None
                if parse_bool(row.get("iswhat")):
                    self.parsed.skip(table.name, row.line, "not a person (IsWhat)", relation, row.raw)
                elif (row.get("status") or "").lower() == "declined":
                    self.parsed.skip(table.name, row.line, "declined", relation, row.raw)
                elif event not in event_ids:
                    self.parsed.skip(table.name, row.line, "event not in this import", event, row.raw)
                else:
                    invited[event].append(relation)
        for table in tables:
            for row in table.rows:
                self.progress.advance()
                self.event(table, row, invited)

    def event(self, table: Table, row: Row, invited: dict[str, list[str]]) -> None:
        if parse_bool(row.get("isdeleted")):
            self.parsed.skip(table.name, row.line, "deleted in Salesforce", row=row.raw)
            return
        if parse_bool(row.get("ischild")):
            self.parsed.skip(table.name, row.line, "invitee copy of a group event", row=row.raw)
            return
        sfid = _id(row, "id", "activityid", "eventid", required=True)
        assert sfid is not None
        columns = ("activitydate", "date", "startdatetime", "activitydatetime", "start", "startdate")
        text = row.get(*columns)
        if text is None:
            raise row.error("an event needs a date (ActivityDate or StartDateTime)", *columns)
        try:
            zone = self.settings.timezone
            day = parse_day(text, day_first=self.settings.day_first, zone=zone)
        except (ValueError, OverflowError) as exc:
            raise row.error(f"{exc} (expected YYYY-MM-DD, an ISO date-time or M/D/YYYY)", *columns) from None
        kind = MeetingKind.MEETING
        if label := row.get("type"):
            try:
                kind = MeetingKind(label)
            except ValueError:
                kind = MeetingKind.MEETING
        self.contact(table, row, sfid, day, kind, invited.get(sfid, []))

    def roles(self, table: Table) -> None:
        """Buying roles from OpportunityContactRole rows (the primary one wins)."""
        chosen: dict[str, tuple[bool, BuyingRole, Row]] = {}
        self.prefetch([table], ("contactid",))
        for row in table.rows:
            self.progress.advance()
            if parse_bool(row.get("isdeleted")):
                self.parsed.skip(table.name, row.line, "deleted in Salesforce", row=row.raw)
                continue
            contact = self.resolve(_id(row, "contactid", required=True))
            label = (row.get("role") or "").strip()
            role = _ROLES.get(label.lower())
            if role is None:
                self.parsed.skip(table.name, row.line, "not a buying role", label, row.raw)
                continue
            primary = parse_bool(row.get("isprimary"))
            if contact is not None and (contact not in chosen or (primary and not chosen[contact][0])):
                chosen[contact] = (primary, role, row)
        for contact, (_, role, row) in chosen.items():
            person = self.directory.by_id(contact)
            if not isinstance(person, Stakeholder):
                self.unlinked["ContactId names no contact of this import or the store"].append(row)
                continue
            update = person.model_copy(update={"buying_role": role})
            self.directory.add_person(update)
            self.parsed.stakeholders.append(Located(update, table.name, row.line, partial=True))

    def tasks(self, table: Table) -> None:
        """Calls and e-mails logged as Tasks (see the module docstring)."""
        self.prefetch([table], _OWNER, _WHO, _ACCOUNT_ID)
        for row in table.rows:
            self.progress.advance()
            if parse_bool(row.get("isdeleted")):
                self.parsed.skip(table.name, row.line, "deleted in Salesforce", row=row.raw)
                continue
            sfid = _id(row, "id", "taskid", "activityid", required=True)
            assert sfid is not None
            label = norm(row.get("tasksubtype") or "")
            kind = _TASK_KINDS.get(label) or _TASK_KINDS.get(norm(row.get("type") or ""))
            if kind is None:
                self.parsed.skip(table.name, row.line, "a to-do, not a call or an e-mail",
                                 row.get("tasksubtype") or row.get("type") or "", row.raw)
                continue
            columns = ("activitydate", "date", "duedate", "completeddatetime", "completeddate")
            text = row.get(*columns)
            if text is None:
                closed = parse_bool(row.get("isclosed")) or (row.get("status") or "").lower() == "completed"
                self.parsed.skip(table.name, row.line, "task without a date",
                                 "closed" if closed else "open, not yet scheduled", row.raw)
                continue
            try:
                day = parse_day(text, day_first=self.settings.day_first, zone=self.settings.timezone)
            except (ValueError, OverflowError) as exc:
                raise row.error(f"{exc} (expected YYYY-MM-DD, an ISO date-time or M/D/YYYY)", *columns) from None
            self.contact(table, row, sfid, day, kind, [])

    def contact(self, table: Table, row: Row, sfid: str, day: object, kind: MeetingKind,
                invited: list[str]) -> None:
        """One event or task as a meeting of its kind, or a skip when a side is missing."""
        people = [self.resolve(x) for x in [_id(row, *_OWNER), _id(row, *_WHO),
                                            *invited]]
        found = {p: self.directory.by_id(p) for p in dict.fromkeys(p for p in people if p)}
        attendees = sorted(p for p, person in found.items() if person is not None)
        if not any(isinstance(found[p], Stakeholder) for p in attendees):
            self.parsed.skip(table.name, row.line, "no client attendee", row=row.raw)
            return
        if not any(isinstance(found[p], Staff) for p in attendees):
            self.parsed.skip(table.name, row.line, "no staff attendee", row=row.raw)
            return
        account = self.resolve(_id(row, *_ACCOUNT_ID))
        data = {"id": sfid, "date": day, "kind": kind, "subject": row.get("subject"), "source": SOURCE,
                "source_id": sfid, "attendees": attendees,
                "account": account if account and self.directory.account(account) else None}
        meeting = validate_record(Meeting, data, table.name, row.line).record
        self.parsed.meetings.append(Located(meeting, table.name, row.line, partial=True))
        self.parsed.origins.append(Origin("meeting", sfid, SOURCE, sfid))


def read_salesforce(paths: Sequence[str | Path], directory: Directory, settings: IngestSettings, *,
                    progress: Progress = SILENT) -> Parsed:
    """Read Salesforce exports (any mix of the objects above) into one :class:`Parsed`.

    Raises
    ------
    InputError
        ``FILE:LINE: COLUMN: problem`` for a bad id or date, or a file whose object cannot be told.
    """
    by_object: dict[str, list[Table]] = defaultdict(list)
    for raw in paths:
        table = read_table(raw)
        obj = sf_object(table)
        if obj is None:
            raise InputError("cannot tell which Salesforce object this export holds (expected the columns of "
                             "Account, Contact, User, Event, EventRelation, Task or OpportunityContactRole)",
                             file=table.name, line=1)
        by_object[obj].append(table)
    reader = _Reader(directory, settings, progress)
    for table in by_object["User"]:
        reader.users(table)
    for table in by_object["Account"]:
        reader.accounts(table)
    for table in by_object["Contact"]:
        reader.contacts(table)
    reader.owners()
    reader.events(by_object["Event"], by_object["EventRelation"])
    for table in by_object["Task"]:
        reader.tasks(table)
    for table in by_object["OpportunityContactRole"]:
        reader.roles(table)
    reader.parsed.sources.extend(str(p) for p in paths)
    for problem, rows in sorted(reader.unlinked.items()):
        first = rows[0]
        reader.parsed.skip(first.table.name, first.line, "link not made",
                           f"{problem} ({len(rows)} row(s), the first here)", first.raw)
    return reader.parsed
