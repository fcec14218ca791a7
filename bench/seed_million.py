"""Seed a city-scale database: 1,000,000 cases on PostgreSQL, fast, resumable.

How: a few hundred *template* cases are driven through the real chain by ``seed_demo``
(intake, router, 快调 / 速裁 / 精审 services, viewflow processes and tasks, deadlines,
documents, guardian permissions, statistics facts), so every row is one the application
itself would write. Then the whole graph of rows hanging off those cases (every table with
a foreign key path to ``cases_case``, found by introspecting the models, plus viewflow's
process and task tables) is cloned inside PostgreSQL with ``INSERT … SELECT … CROSS JOIN
generate_series``: clone ``g`` of template row ``id`` gets ``id + g * S`` (``S`` = the
table's largest template id), so every foreign key is remapped by the same arithmetic and
no row travels through Python. That is faster than ``COPY`` from a client: nothing is
serialised, parsed or sent.

The city: 38 districts; clone ``g`` belongs to district ``g % 38`` (0 is 璧山区, the
templates' own). Each district gets its own organisations (protection centre, committee,
IP office, circuit station, supervision office), their permission groups and staff
accounts, made through ``organization_create`` / ``user_join_organization``; staff and
organisation references are remapped to the district's. The parties' own accounts
(complainant, respondent) are cloned per ``g``, so a complainant has as many cases as in
the templates, not a million. Official numbers stay unique and gapless-looking per
organisation, tier and year (``sequence + g * K``, text rebuilt with the district's
abbreviation); the number counters are set past them, so real submissions continue after.

Afterwards the statistics pre-aggregates (daily facts, duration buckets, repeat
respondents) are rebuilt from the cloned per-case facts by the statistics app's own SQL
aggregation, the id sequences are moved past the clones, and ``ANALYZE`` runs.

Resumable: each chunk of clones is one transaction that also records itself in
``bench_seed_progress``; a rerun skips the chunks done. Idempotent: rerunning a finished
seed does nothing but print the figures.

    su postgres -c "createdb ipdr_bench_1m"   # or psql -c "create database ipdr_bench_1m"
    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/ipdr_bench_1m \\
        .venv/bin/python bench/seed_million.py --cases 1000000 --templates 120
"""
import argparse
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SMS_BACKEND", "cases.notifications.LocMemSMSBackend")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

DISTRICTS = [  # (name, abbreviation): the 38 districts and counties of Chongqing; 璧山区 first
    ("璧山区", "璧"), ("渝中区", "渝"), ("江北区", "江"), ("沙坪坝区", "沙"), ("九龙坡区", "九"), ("南岸区", "南"),
    ("北碚区", "碚"), ("渝北区", "北"), ("巴南区", "巴"), ("万州区", "万"), ("涪陵区", "涪"), ("黔江区", "黔"),
    ("长寿区", "长"), ("江津区", "津"), ("合川区", "合"), ("永川区", "永"), ("南川区", "川"), ("綦江区", "綦"),
    ("大足区", "足"), ("铜梁区", "铜"), ("潼南区", "潼"), ("荣昌区", "荣"), ("开州区", "开"), ("梁平区", "梁"),
    ("武隆区", "武"), ("城口县", "城"), ("丰都县", "丰"), ("垫江县", "垫"), ("忠县", "忠"), ("云阳县", "云"),
    ("奉节县", "奉"), ("巫山县", "巫"), ("巫溪县", "溪"), ("石柱县", "石"), ("秀山县", "秀"), ("酉阳县", "酉"),
    ("彭水县", "彭"), ("双桥经开区", "双"),
]
# Not cloned: outbound messages (the notices were delivered once, for the templates), complaint
# drafts (a draft belongs to its author, not to a case) and typical-case publications.
EXCLUDED = {"cases_notification", "intake_complaintdraft", "intake_draftattachment", "statistics_typicalcase"}
# Plain integer columns (no foreign key) that name an organisation, district or user.
PLAIN_REFS = {"organization_id": "cases_organization", "district_id": "cases_district",
              "handler_id": "cases_user", "user_id": "cases_user"}


def q(name):
    return connection.ops.quote_name(name)


def scoped_models():
    """Every concrete model whose rows hang off a case (FK path to Case, or the parent of one)."""
    from cases.models import Case

    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    scoped, changed = {Case}, True
    while changed:
        changed = False
        for m in models:
            if m not in scoped and any(
                f.is_relation and f.related_model in scoped and f.related_model is not m
                for f in m._meta.concrete_fields
            ):
                scoped.add(m)
                changed = True
        for m in list(scoped):
            for parent in m._meta.parents:
                if parent not in scoped:
                    scoped.add(parent)
                    changed = True
    return sorted((m for m in scoped if m._meta.db_table not in EXCLUDED), key=lambda m: m._meta.db_table)


def fetch(sql, params=None):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def execute(sql, params=None):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def ensure_templates(count):
    from cases.models import Case

    have = Case.objects.count()
    if fetch("select to_regclass('bench_seed_meta')")[0][0]:
        return  # the snapshot is taken: templates are frozen
    if have < count:
        print(f"templates: {have} cases, driving {count - have} more through the real chain (seed_demo)")
        call_command("seed_demo", cases=count, quiet=True)


def build_city(districts):
    """Each district's organisations, groups and staff (the templates' staff, one set per district)."""
    from cases.models import District, Organization, User
    from cases.services.organizations import organization_create, user_join_organization

    base = District.objects.order_by("pk").first()
    orgs = list(Organization.objects.filter(district=base).order_by("pk"))
    staff = list(User.objects.filter(organization__in=orgs).order_by("pk"))
    for d, (name, abbr) in enumerate(DISTRICTS[:districts]):
        if d == 0:
            continue
        district, _ = District.objects.get_or_create(name=name, defaults={"abbr": abbr})
        short = name.rstrip("区县")
        with transaction.atomic():
            new = {}
            for org in orgs:
                new[org.pk] = organization_create(
                    name=org.name.replace(base.name, name).replace(base.name.rstrip("区县"), short),
                    kind=org.kind, district=district, number_abbr=org.number_abbr.replace(base.abbr, abbr),
                    address=org.address.replace(base.name, name), phone=org.phone,
                )
            for user in staff:
                username = f"{user.username}.d{d:02d}"
                if User.objects.filter(username=username).exists():
                    continue
                clone = User.objects.create(
                    username=username, password=user.password, full_name=user.full_name, phone=None,
                    email="", is_staff=user.is_staff, is_superuser=False,
                )
                role_groups = [g for g in user.groups.all() if not g.name.startswith("org:")]
                clone.groups.add(*role_groups)
                user_join_organization(user=clone, organization=new[user.organization_id])
    # The maps the clone SQL joins on: (district index, template id) -> that district's id.
    execute("create table if not exists bench_map (kind text, d int, old_id bigint, new_id bigint, "
            "old_abbr text, new_abbr text, primary key (kind, d, old_id))")
    execute("truncate bench_map")
    for d, (name, abbr) in enumerate(DISTRICTS[:districts]):
        district = District.objects.get(name=name)
        execute("insert into bench_map values ('district', %s, %s, %s, '', '')", [d, base.pk, district.pk])
        for org in orgs:
            target = org if d == 0 else Organization.objects.get(
                number_abbr=org.number_abbr.replace(base.abbr, abbr), district=district)
            execute("insert into bench_map values ('org', %s, %s, %s, %s, %s), ('group', %s, %s, %s, '', '')",
                    [d, org.pk, target.pk, org.number_abbr, target.number_abbr,
                     d, org.members_group_id, target.members_group_id])
        for user in staff:
            target = user if d == 0 else User.objects.get(username=f"{user.username}.d{d:02d}")
            execute("insert into bench_map values ('user', %s, %s, %s, '', '')", [d, user.pk, target.pk])


def snapshot(models):
    """The template's largest id per table (the clone stride) and the party accounts cloned per case copy."""
    execute("create table if not exists bench_seed_meta (key text primary key, value bigint)")
    execute("create table if not exists bench_seed_progress (g0 int primary key, g1 int, rows bigint, "
            "seconds double precision)")
    if not fetch("select 1 from bench_seed_meta limit 1"):
        for m in models:
            pk = m._meta.pk.column
            execute(f"insert into bench_seed_meta values (%s, (select coalesce(max({q(pk)}), 0) + 1 "
                    f"from {q(m._meta.db_table)}))", [m._meta.db_table])
        for key, sql in [
            ("cases_user", "select max(id) + 1 from cases_user"),
            ("templates", "select count(*) from cases_case"),
            ("seq:cases_casenumber", "select coalesce(max(sequence), 0) + 1 from cases_casenumber"),
            ("seq:documents_document", "select coalesce(max(sequence), 0) + 1 from documents_document"),
        ]:
            execute(f"insert into bench_seed_meta values (%s, ({sql}))", [key])
        # Secondary (non-constraint) indexes are dropped for the load and rebuilt once at the end:
        # maintaining them row by row is most of the cost of an insert.
        execute("create table bench_index as select indexname, indexdef from pg_indexes i where schemaname = "
                "'public' and tablename = any(%s) and not exists (select 1 from pg_constraint c "
                "where c.conname = i.indexname)", [[m._meta.db_table for m in models] + ["cases_user"]])
        for (name,) in fetch("select indexname from bench_index"):
            execute(f"drop index {q(name)}")
        execute("create table bench_party_user as select id from cases_user "
                "where organization_id is null and not is_superuser")
        execute("create table bench_case_number as select c.id case_id, n.id number_id from cases_case c "
                "join cases_casenumber n on n.case_id = c.id and n.text = c.number")
    return dict(fetch("select key, value from bench_seed_meta"))


def clone_sql(model, meta):
    """INSERT … SELECT cloning ``model``'s template rows for clones g in [%(g0)s, %(g1)s]."""
    table = model._meta.db_table
    scoped_tables = {k for k in meta if not k.startswith("seq:") and k not in ("templates",)}
    d_expr = "(gs.g %% %(districts)s)"
    cols, exprs, joins = [], [], []
    for f in model._meta.local_concrete_fields:
        col = f.column
        target = f.related_model._meta.db_table if f.is_relation else PLAIN_REFS.get(col)
        ref = f"t.{q(col)}"
        if f.primary_key and not f.is_relation:
            expr = f"{ref} + gs.g * {meta[table]}"
        elif target == "cases_user":
            alias = f"mu_{col}"
            joins.append(f"left join bench_map {alias} on {alias}.kind = 'user' and {alias}.d = {d_expr} "
                         f"and {alias}.old_id = {ref}")
            expr = (f"case when {ref} in (select id from bench_party_user) then {ref} + gs.g * {meta['cases_user']} "
                    f"else coalesce({alias}.new_id, {ref}) end")
        elif target in ("cases_organization", "auth_group", "cases_district"):
            kind = {"cases_organization": "org", "auth_group": "group", "cases_district": "district"}[target]
            alias = f"m_{col}"
            joins.append(f"left join bench_map {alias} on {alias}.kind = '{kind}' and {alias}.d = {d_expr} "
                         f"and {alias}.old_id = {ref}")
            expr = f"coalesce({alias}.new_id, {ref})"
        elif target in scoped_tables:
            expr = f"{ref} + gs.g * {meta[target]}"
        else:
            expr = ref
        cols.append(q(col))
        exprs.append(expr)
    by_col = dict(zip([f.column for f in model._meta.local_concrete_fields], exprs, strict=True))
    org_join = (f"left join bench_map mo on mo.kind = 'org' and mo.d = {d_expr} and mo.old_id = t.organization_id"
                )
    if table == "cases_casenumber":
        seq = f"(t.sequence + gs.g * {meta['seq:cases_casenumber']})"
        by_col["sequence"] = seq
        by_col["text"] = (f"regexp_replace(replace(t.text, mo.old_abbr, mo.new_abbr), '第[0-9]+号', "
                          f"'第' || case when {seq} < 10000 then lpad({seq}::text, 4, '0') "
                          f"else {seq}::text end || '号')")
        joins.append(org_join)
    elif table == "documents_document":
        seq = f"(t.sequence + gs.g * {meta['seq:documents_document']})"
        by_col["sequence"] = seq
        by_col["number"] = (f"regexp_replace(replace(t.number, mo.old_abbr, mo.new_abbr), '〕[0-9]+号', "
                            f"'〕' || {seq}::text || '号')")
        by_col["verification_code"] = "upper(left(md5(t.verification_code || ':' || gs.g), 24))"
        joins.append(org_join)
    elif table == "mediation_mediationsession":
        by_col["uid"] = "md5(t.uid::text || ':' || gs.g)::uuid"
    elif table == "cases_case":
        joins.append(f"left join bench_case_number bcn on bcn.case_id = t.id left join cases_casenumber cn "
                     f"on cn.id = bcn.number_id + gs.g * {meta['cases_casenumber']}")
        by_col["number"] = "coalesce(cn.text, t.number)"
    elif table in ("cases_party", "statistics_caserespondent") and "credit_code" in by_col:
        # Respondents recur across cases as in life, not 25,000 times each.
        by_col["credit_code"] = ("case when t.credit_code = '' then '' else left(t.credit_code, 8) || "
                                 "upper(left(md5(t.credit_code || ':' || (gs.g %% 4000)), 10)) end")
    sql = (f"insert into {q(table)} ({', '.join(cols)}) select {', '.join(by_col.values())} "
           f"from {q(table)} t cross join generate_series(%(g0)s, %(g1)s) gs(g) {' '.join(joins)} "
           f"where t.{q(model._meta.pk.column)} < {meta[table]}")
    return sql


def clone_users_sql(meta):
    """The parties' own accounts (and their role groups), one set per clone."""
    stride = meta["cases_user"]
    cols = [f.column for f in apps.get_model("cases", "User")._meta.concrete_fields]
    exprs = []
    for c in cols:
        if c == "id":
            exprs.append(f"t.id + gs.g * {stride}")
        elif c == "username":
            exprs.append("t.username || '.' || gs.g")
        elif c == "phone":
            exprs.append(f"case when t.phone is null then null "
                         f"else '17' || lpad((t.id + gs.g * {stride})::text, 9, '0') end")
        elif c == "email":
            exprs.append("case when t.email = '' then '' else replace(t.email, '@', '+' || gs.g || '@') end")
        else:
            exprs.append(f"t.{q(c)}")
    users = (f"insert into cases_user ({', '.join(map(q, cols))}) select {', '.join(exprs)} from cases_user t "
             f"cross join generate_series(%(g0)s, %(g1)s) gs(g) where t.id in (select id from bench_party_user)")
    groups = (f"insert into cases_user_groups (user_id, group_id) select ug.user_id + gs.g * {stride}, ug.group_id "
              f"from cases_user_groups ug cross join generate_series(%(g0)s, %(g1)s) gs(g) "
              f"where ug.user_id in (select id from bench_party_user)")
    return [users, groups]


def finish(models, meta):
    """Counters past the clones, id sequences past the clones, the statistics aggregates, ANALYZE."""
    print("finishing: indexes, number counters, id sequences, statistics aggregates, ANALYZE", flush=True)
    for name, definition in fetch("select indexname, indexdef from bench_index"):
        if not fetch("select 1 from pg_indexes where indexname = %s", [name]):
            t = time.monotonic()
            execute(definition)
            print(f"  {name}: {time.monotonic() - t:.0f} s", flush=True)
    # Case.next_due (the soonest running deadline) is cloned with its case, and the deadlines with their
    # due dates, so the copy is right by construction; say so from the data.
    wrong = fetch("select count(*) from cases_case c left join (select case_id, min(due_date) due from cases_deadline "
                  "where state = 'running' group by case_id) d on d.case_id = c.id "
                  "where c.next_due is distinct from d.due")[0][0]
    print(f"  next_due: {wrong} cases differ from their running deadlines", flush=True)
    execute("update cases_casenumbersequence s set last_value = m.seq from (select organization_id, tier, year, "
            "max(sequence) seq from cases_casenumber group by 1, 2, 3) m where m.organization_id = s.organization_id "
            "and m.tier = s.tier and m.year = s.year")
    execute("insert into cases_casenumbersequence (organization_id, tier, year, last_value) select organization_id, "
            "tier, year, max(sequence) from cases_casenumber n where not exists (select 1 from "
            "cases_casenumbersequence s where s.organization_id = n.organization_id and s.tier = n.tier and "
            "s.year = n.year) group by 1, 2, 3")
    doc_seq = apps.get_model("documents", "DocumentNumberSequence")
    if doc_seq._meta.db_table == "documents_documentnumbersequence":
        execute("update documents_documentnumbersequence s set last_value = m.seq from (select organization_id, "
                "doc_type, year, max(sequence) seq from documents_document group by 1, 2, 3) m where "
                "m.organization_id = s.organization_id and m.doc_type = s.doc_type and m.year = s.year")
    for m in [*models, apps.get_model("cases", "User"), apps.get_model("cases", "User").groups.through]:
        table, pk = m._meta.db_table, m._meta.pk.column
        if m._meta.pk.is_relation:
            continue
        execute(f"select setval(pg_get_serial_sequence('{table}', '{pk}'), (select max({q(pk)}) from {q(table)}))")
    from cases.statistics import refresh

    days = [d for (d,) in fetch("select distinct day from statistics_casecontribution")]
    refresh._reaggregate_days(set(days))
    duration_days = [d for (d,) in fetch("select distinct day from statistics_caseduration")]
    refresh._reaggregate_durations(set(duration_days))
    refresh._rebuild_respondents()
    from django.utils import timezone

    from cases.statistics.models import RefreshState

    now = timezone.now()
    RefreshState.objects.update_or_create(key="default", defaults={
        "watermark": now, "last_date": timezone.localdate(now), "last_finished_at": now, "last_full_at": now,
        "last_cases": fetch("select count(*) from cases_case")[0][0],
    })
    execute("analyze")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--templates", type=int, default=120, help="cases driven through the real chain first")
    parser.add_argument("--districts", type=int, default=len(DISTRICTS))
    parser.add_argument("--chunk", type=int, default=200, help="clones per transaction")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("seed_million needs PostgreSQL: set DATABASE_URL")
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    ensure_templates(args.templates)
    models = scoped_models()
    if not fetch("select to_regclass('bench_seed_meta')")[0][0]:
        build_city(args.districts)
    meta = snapshot(models)
    templates = meta["templates"]
    clones = math.ceil(args.cases / templates) - 1
    done = {g0 for (g0,) in fetch("select g0 from bench_seed_progress")}
    # cases_case last: its number is read from the clone's cases_casenumber row inserted before it.
    models = sorted(models, key=lambda m: m._meta.db_table == "cases_case")
    statements = [(m._meta.db_table, clone_sql(m, meta)) for m in models]
    statements += [("cases_user", s) for s in clone_users_sql(meta)]
    total_rows, t0, ran = 0, time.monotonic(), False
    for g0 in range(1, clones + 1, args.chunk):
        if g0 in done:
            continue
        g1 = min(g0 + args.chunk - 1, clones)
        c0 = time.monotonic()
        rows = 0
        with transaction.atomic():
            execute("set local synchronous_commit = off")
            execute("set local session_replication_role = replica")  # FK triggers off: the arithmetic keeps them
            for _table, sql in statements:
                rows += execute(sql, {"g0": g0, "g1": g1, "districts": args.districts})
            execute("insert into bench_seed_progress values (%s, %s, %s, %s)", [g0, g1, rows,
                                                                               time.monotonic() - c0])
        total_rows += rows
        ran = True
        elapsed = time.monotonic() - t0
        print(f"clones {g0}-{g1}/{clones}: {(g1 + 1) * templates:,} cases, {rows:,} rows in "
              f"{time.monotonic() - c0:.1f} s; {total_rows / elapsed:,.0f} rows/s overall", flush=True)
    if ran:  # resumed after an earlier finish: counters, aggregates and statistics must be redone
        execute("delete from bench_seed_meta where key = 'finished'")
    if not fetch("select 1 from bench_seed_meta where key = 'finished'"):
        finish(models, meta)
        execute("insert into bench_seed_meta values ('finished', 1)")
    cases = fetch("select count(*) from cases_case")[0][0]
    size = fetch("select pg_size_pretty(pg_database_size(current_database()))")[0][0]
    rows, secs = fetch("select coalesce(sum(rows), 0)::bigint, coalesce(sum(seconds), 0)::float "
                       "from bench_seed_progress")[0]
    print(f"\n{cases:,} cases; {rows:,} cloned rows in {secs:.0f} s of clone transactions "
          f"({rows / max(secs, 1e-9):,.0f} rows/s); this run {time.monotonic() - started:.0f} s; database {size}")


if __name__ == "__main__":
    main()
