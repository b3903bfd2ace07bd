"""Feeds a batch of cases (styrdok's JSON Lines) to the OpenFisca model of the May 2022
guideline (stod_arbete_studier.py). Called by `cargo bench --bench eval` with
BENCH_OPENFISCA set (scripts/bench-openfisca); see docs/benchmarks.md.

    python run.py time CASES.jsonl TIMINGS.json
        reads the cases into numpy arrays, builds the simulation and computes every
        outcome, period and duty; writes the seconds of each step as JSON.
    python run.py check CASES.jsonl RESULTS.jsonl
        computes the same and compares, case by case and intervention by intervention,
        outcome, granted period and duties with styrdok's results of the same cases;
        exits 1 at the first differences (up to 10 shown).
    python run.py edge-cases OUT.jsonl N SEED
        writes N cases that reach what the benchmark's cases do not: start dates,
        särskilda skäl, assessments without the required consultation or report,
        birthdays on 29 February and on the application date, ages at the limits,
        both versions' dates.
"""

from __future__ import annotations

import json
import random
import sys
import time

import numpy as np
from openfisca_core.simulation_builder import SimulationBuilder

from stod_arbete_studier import (
    ASSESSMENTS,
    BOOL_FACTS,
    INTERVENTIONS,
    OUTPUTS,
    REQUIREMENTS,
    StodArbeteStudier,
    Utfall,
)

YEAR = "2023"
PERSONKRETS = {1: 0, 2: 1, 3: 2, "ingen": 3}
NO_DATE = "1970-01-01"


def read_cases(path):
    """The cases of a JSON Lines file as one numpy array per OpenFisca input, and each
    case's line number and interventions applied for."""
    dates = {"ansokningsdatum": [], "startdatum": [], "fodelsedatum": []}
    known = {name: [] for name in ["startdatum", "fodelsedatum", "personkrets", "sarskilda_skal"]}
    flags = {name: [] for name in BOOL_FACTS + ASSESSMENTS}
    for name in BOOL_FACTS + ASSESSMENTS:
        known[name] = []
    requirement = {
        (name, part, role): [] for name, role in REQUIREMENTS.items() for part in ["samrad", "rapport_fran"]
    }
    personkrets, months, lines, applied = [], [], [], []
    loads = json.loads
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            case = loads(line)
            lines.append(number)
            applied.append(case["insatser"])
            fakta = case.get("fakta") or {}
            bed = case.get("bedomningar") or {}
            dates["ansokningsdatum"].append(case["ansokningsdatum"])
            start = case.get("startdatum")
            known["startdatum"].append(start is not None)
            dates["startdatum"].append(start or NO_DATE)
            birth = fakta.get("fodelsedatum")
            known["fodelsedatum"].append(birth is not None)
            dates["fodelsedatum"].append(birth or NO_DATE)
            pk = fakta.get("personkrets")
            known["personkrets"].append(pk is not None)
            personkrets.append(PERSONKRETS[pk] if pk is not None else 3)
            ext = case.get("sarskilda_skal")
            known["sarskilda_skal"].append(ext is not None)
            months.append(ext["manader"] if ext else 0)
            for name in BOOL_FACTS:
                v = fakta.get(name)
                known[name].append(v is not None)
                flags[name].append(v is True)
            for name in ASSESSMENTS:
                a = bed.get(name)
                v = a.get("varde") if a else None
                known[name].append(v is not None)
                flags[name].append(v is True)
                if name in REQUIREMENTS:
                    role = REQUIREMENTS[name]
                    requirement[(name, "samrad", role)].append(bool(a) and role in (a.get("samrad") or []))
                    requirement[(name, "rapport_fran", role)].append(bool(a) and a.get("rapport_fran") == role)
    inputs = {name: np.array(v, dtype="datetime64[D]") for name, v in dates.items()}
    inputs.update({f"{name}_kand": np.array(v, dtype=bool) for name, v in known.items()})
    inputs.update({name: np.array(v, dtype=bool) for name, v in flags.items()})
    inputs.update({f"{n}_{part}_{role}": np.array(v, dtype=bool) for (n, part, role), v in requirement.items()})
    inputs["personkrets"] = np.array(personkrets, dtype=np.int16)
    inputs["sarskilda_skal_manader"] = np.array(months, dtype=np.int32)
    return inputs, lines, applied


def simulation(tbs, inputs):
    n = len(inputs["ansokningsdatum"])
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("arende", np.arange(n))
    sim = builder.build(tbs)
    for name, values in inputs.items():
        sim.set_input(name, YEAR, values)
    return sim


def compute(sim):
    return {name: sim.calculate(name, YEAR) for name in OUTPUTS}


def time_it(cases, timings):
    """Times each step: wall seconds (`<step>_s`) and processor seconds (`<step>_cpu`)."""
    marks = [(time.perf_counter(), time.process_time())]
    tbs = StodArbeteStudier()
    marks.append((time.perf_counter(), time.process_time()))
    inputs, _, _ = read_cases(cases)
    marks.append((time.perf_counter(), time.process_time()))
    sim = simulation(tbs, inputs)
    marks.append((time.perf_counter(), time.process_time()))
    out = compute(sim)
    marks.append((time.perf_counter(), time.process_time()))
    granted = int(sum((out[i] == Utfall.beviljas).sum() for i in INTERVENTIONS))
    report = {"cases": len(inputs["ansokningsdatum"]), "granted": granted}
    for k, step in enumerate(["system", "read", "build", "compute"]):
        report[f"{step}_s"] = marks[k + 1][0] - marks[k][0]
        report[f"{step}_cpu"] = marks[k + 1][1] - marks[k][1]
    with open(timings, "w") as f:
        json.dump(report, f)


CODES = {Utfall.beviljas.index: "beviljas", Utfall.avslag.index: "avslag"}


def check(cases, results):
    tbs = StodArbeteStudier()
    inputs, lines, applied = read_cases(cases)
    out = compute(simulation(tbs, inputs))
    outcome = {i: np.asarray(out[i]).view(np.ndarray) for i in INTERVENTIONS}
    period = {
        i: (out[f"{i}_period_fran"].astype(str), out[f"{i}_period_till"].astype(str)) for i in INTERVENTIONS
    }
    duties = [
        ("informera-ansoka-igen", out["lss_informera_ansoka_igen"]),
        ("informera-daglig-verksamhet", out["lss_informera_daglig_verksamhet"]),
    ]
    by_line = {number: k for k, number in enumerate(lines)}
    compared, skipped, differences = 0, 0, []
    seen = {name: 0 for name in ["beviljas", "avslag", "utredning_ofullstandig"]}
    with open(results, encoding="utf-8") as f:
        for text in f:
            r = json.loads(text)
            if "error" in r:
                skipped += 1
                continue
            k = by_line[r["line"]]
            for res in r["interventions"]:
                i = res["id"].replace("-", "_")
                got = CODES.get(int(outcome[i][k]), "utredning_ofullstandig")
                want = res["outcome"]
                seen[want] += 1
                if res["period"] is None:
                    want_period = None
                else:
                    want_period = (res["period"]["from"], res["period"]["until"])
                got_period = (period[i][0][k], period[i][1][k]) if got == "beviljas" else None
                want_duties = res["duties"]
                got_duties = [d for d, on in duties if i == "lss" and on[k]]
                compared += 1
                if (got, got_period, got_duties) != (want, want_period, want_duties):
                    differences.append(
                        f"line {r['line']} {res['id']}: styrdok {want} {want_period} {want_duties}, "
                        f"OpenFisca {got} {got_period} {got_duties}"
                    )
    print(
        f"{compared} outcomes compared ({seen['beviljas']} beviljas, {seen['avslag']} avslag, "
        f"{seen['utredning_ofullstandig']} utredning ofullständig), {skipped} rows with errors skipped: "
        f"{len(differences)} differ"
    )
    for d in differences[:10]:
        print("  " + d)
    if differences or compared == 0:
        sys.exit(1)


def edge_cases(path, n, seed):
    r = random.Random(seed)

    def date(lo, hi):
        return str(np.datetime64(lo) + np.timedelta64(r.randrange((np.datetime64(hi) - np.datetime64(lo)).astype(int)), "D"))

    def maybe(p, v):
        return v if r.random() < p else None

    with open(path, "w", encoding="utf-8") as f:
        for k in range(n):
            applied = date("2022-05-24", "2024-12-31")
            ay, am, ad = (int(x) for x in applied.split("-"))
            roll = r.random()
            if roll < 0.15:
                # Exactly 17, 18, 64 or 65 years old, or a day short of it.
                age = r.choice([17, 18, 64, 65])
                birth = str(np.datetime64(f"{ay - age:04d}-{am:02d}-{min(ad, 28):02d}") - np.timedelta64(r.choice([0, 0, 1, -1]), "D"))
            elif roll < 0.25:
                birth = f"{r.choice([1960, 1964, 1980, 1996, 2000, 2004])}-02-29"
            else:
                birth = date("1940-01-01", "2010-12-31")
            # A start date, often at a month's end (the period's end is clamped).
            start = r.choice(
                [date(applied, "2025-06-30"), f"{ay + 1}-{r.choice(['01-31', '03-31', '08-31', '12-31'])}"]
                + (["2024-02-29"] if applied <= "2024-02-29" else [])
            )
            fakta = {
                "fodelsedatum": maybe(0.95, birth),
                "personkrets": maybe(0.9, r.choice([1, 2, 3, "ingen"])),
            }
            for name in BOOL_FACTS:
                fakta[name] = maybe(0.85, r.random() < 0.8)
            bed = {}
            for name in ASSESSMENTS:
                if r.random() < 0.15:
                    continue
                a = {"varde": maybe(0.95, r.random() < 0.8), "av": "Handläggare"}
                if name in REQUIREMENTS:
                    role = REQUIREMENTS[name]
                    other = "jobbcoach" if role == "arbetsspecialist" else "arbetsspecialist"
                    a["samrad"] = r.choice([[role], [role, other], [other], [], None])
                    a["rapport_fran"] = r.choice([role, role, other, None])
                bed[name] = a
            case = {
                "arende": f"E-{k}",
                "ansokningsdatum": applied,
                "startdatum": maybe(0.4, start),
                "insatser": list(k.replace("_", "-") for k in INTERVENTIONS),
                "fakta": {k: v for k, v in fakta.items() if v is not None},
                "bedomningar": bed,
            }
            if r.random() < 0.3:
                case["sarskilda_skal"] = {"manader": r.randrange(1, 25), "motivering": "Särskilda skäl"}
            f.write(json.dumps(case, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "time":
        time_it(*args)
    elif command == "check":
        check(*args)
    elif command == "edge-cases":
        edge_cases(args[0], int(args[1]), int(args[2]))
    else:
        sys.exit(f"unknown command {command}")
