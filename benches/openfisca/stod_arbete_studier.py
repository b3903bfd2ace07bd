"""The May 2022 guideline of policy/stod-arbete-studier/2022-05.yaml as an OpenFisca
tax-benefit system, for the comparison in `cargo bench --bench eval`
(docs/benchmarks.md).

Written as OpenFisca intends: one person entity (an ärende), input variables for the
facts of policy/facts.yaml that the guideline reads, one variable with a vectorised
formula per criterion (`kriterium_<id>`, labelled with the guideline's sentence),
outcome, granted period and duty, and the parameter `yrkesverksam_alder` read from
policy/parameters.yaml as an OpenFisca parameter. The rules are written by hand; the
interventions, their criteria, durations and duties are compared with 2022-05.yaml when
the system is built (`check_against_guideline`), and the outcomes with styrdok's by
`run.py check`. The 2023-07 revision has the same criteria, so cases of either period
get the same outcomes.

Three values. OpenFisca has no "not known": every input has a value (its default when
not given). A fact therefore comes as two inputs, its value and whether it is known
(`<fact>` and `<fact>_kand`), and a criterion's result is a three-valued enum
(`Kriterium`: ej_uppfyllt < ej_utrett < uppfyllt) combined with Kleene's logic, which on
that order is `min` for "and" and `2 - x` for "not". An assessment that needs a
consultation or a report counts as not known without them, as in styrdok.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import yaml
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

ROOT = Path(__file__).resolve().parents[2]

Arende = build_entity(
    key="arende",
    plural="arenden",
    label="Ett ärende: en ansökan om en eller flera insatser",
    is_person=True,
)

# Every variable is yearly, and a batch is one simulation for one year: OpenFisca reads
# parameters for the simulation's period, styrdok on each case's date (the same value
# here: `yrkesverksam_alder` has one, from 2022-05-24).
PERIOD = DateUnit.YEAR


class Kriterium(Enum):
    """A criterion's result, in Kleene's order: the index is 0, 1, 2."""

    ej_uppfyllt = "ej uppfyllt"
    ej_utrett = "ej utrett"
    uppfyllt = "uppfyllt"


class Utfall(Enum):
    """An intervention's outcome; the index follows `Kriterium` (the smallest criterion)."""

    avslag = "avslag"
    utredning_ofullstandig = "utredning ofullständig"
    beviljas = "beviljas"


class Personkrets(Enum):
    ett = "1"
    tva = "2"
    tre = "3"
    ingen = "ingen"


EJ, OKANT, JA = 0, 1, 2

# Facts as in policy/facts.yaml (those the guideline reads).
BOOL_FACTS = [
    "pagaende_kontakt_specialistpsykiatri",
    "primart_mal_arbete_eller_studier",
    "onskar_arbeta_eller_studera",
    "beviljad_daglig_verksamhet",
]
ASSESSMENTS = [
    "stodbehov_arbete",
    "stodbehov_arbete_eller_studier",
    "inforstadd_och_beredd",
    "kan_borja_arbeta_eller_studera",
    "arbetsformedlingen_kan_erbjuda_atgard",
    "forutsattningar_med_jobbcoach",
    "kan_klara_anpassat_arbete",
    "behov_av_stod_i_overgangsperiod",
    "kan_paborja_aktivt_arbetssokande",
]
# Assessments whose criterion requires a consultation with, and a report from, a role.
REQUIREMENTS = {
    "kan_borja_arbeta_eller_studera": "arbetsspecialist",
    "kan_paborja_aktivt_arbetssokande": "jobbcoach",
}

# The interventions: criteria (in the guideline's order), duration in months, whether
# särskilda skäl may extend it, and duties on rejection.
INTERVENTIONS = {
    "socialpsykiatri": (
        [
            "yrkesverksam_alder",
            "kontakt_specialistpsykiatri",
            "mal_arbete_eller_studier",
            "stodbehov_arbete",
            "inforstadd_och_ar_beredd",
            "kan_borja_arbeta_eller_studera",
            "arbetsformedlingen_kan_inte_erbjuda_atgard",
        ],
        24,
        True,
    ),
    "lss_insteg": (
        [
            "yrkesverksam_alder",
            "personkrets_1_eller_2",
            "onskan_arbeta_eller_studera",
            "forutsattningar_med_jobbcoach",
            "stodbehov_arbete_eller_studier",
        ],
        4,
        False,
    ),
    "lss_insteg_fortsatt": (["fortsatt_aktivt_arbetssokande"], 24, True),
    "lss": (
        [
            "yrkesverksam_alder",
            "personkrets_1_eller_2",
            "stodbehov_arbete_lss",
            "onskan_arbeta_eller_studera",
            "inforstadd_och_beredd",
            "kan_klara_anpassat_arbete",
            "behov_av_stod_i_overgangsperiod",
            "arbetsformedlingen_kan_inte_erbjuda_atgard",
        ],
        24,
        True,
    ),
}


def _plain(f):
    """A formula as OpenFisca reads it from a class: a function (arende, period, parameters)."""

    def formula(arende, period, parameters):
        return f(arende, period, parameters)

    return formula


def _input(name, value_type, label, **extra):
    return type(
        name,
        (Variable,),
        {
            "value_type": value_type,
            "entity": Arende,
            "definition_period": PERIOD,
            "label": label,
            **extra,
        },
    )


def _not(x):
    """Kleene's "not" on `Kriterium` indices."""
    return 2 - x


def tri(value, known):
    """A fact as a criterion result: uppfyllt if known and true, ej utrett if not known."""
    return np.where(known, np.where(value, JA, EJ), OKANT)


def raw(x):
    """An enum array's indices, for arithmetic."""
    return np.asarray(x).view(np.ndarray).astype(np.int8)


def _criterion(name, label, formula):
    return type(
        name,
        (Variable,),
        {
            "value_type": Enum,
            "possible_values": Kriterium,
            "default_value": Kriterium.ej_utrett,
            "entity": Arende,
            "definition_period": PERIOD,
            "label": label,
            "formula": _plain(formula),
        },
    )


def _fact(name):
    return lambda a, p, _: tri(a(name, p), a(f"{name}_kand", p))


def _assessment(name):
    role = REQUIREMENTS.get(name)

    def f(a, p, _):
        known = a(f"{name}_kand", p)
        if role is not None:
            # Without the consultation and the report, not yet an assessment.
            known = known & a(f"{name}_samrad_{role}", p) & a(f"{name}_rapport_fran_{role}", p)
        return tri(a(name, p), known)

    return f


def _age_in_range(a, p, parameters):
    birth = a("fodelsedatum", p)
    on = a("ansokningsdatum", p)
    known = a("fodelsedatum_kand", p)
    by, bm, bd = _ymd(birth)
    oy, om, od = _ymd(on)
    age = oy - by - ((om < bm) | ((om == bm) & (od < bd)))
    rng = parameters(p).yrkesverksam_alder
    ok = (age >= rng.min) & (age <= rng.max)
    return tri(ok, known)


def _personkrets_1_eller_2(a, p, _):
    pk = a("personkrets", p)
    return tri((pk == Personkrets.ett) | (pk == Personkrets.tva), a("personkrets_kand", p))


# The criteria of 2022-05.yaml, by id (`-` as `_`): each rule as a vectorised formula.
# Their labels are the guideline's own sentences, read from the YAML.
CRITERIA = {
    "yrkesverksam_alder": _age_in_range,
    "kontakt_specialistpsykiatri": _fact("pagaende_kontakt_specialistpsykiatri"),
    "mal_arbete_eller_studier": _fact("primart_mal_arbete_eller_studier"),
    "stodbehov_arbete": _assessment("stodbehov_arbete"),
    "inforstadd_och_ar_beredd": _assessment("inforstadd_och_beredd"),
    "kan_borja_arbeta_eller_studera": _assessment("kan_borja_arbeta_eller_studera"),
    "arbetsformedlingen_kan_inte_erbjuda_atgard": lambda a, p, params: _not(
        _assessment("arbetsformedlingen_kan_erbjuda_atgard")(a, p, params)
    ),
    "personkrets_1_eller_2": _personkrets_1_eller_2,
    "onskan_arbeta_eller_studera": _fact("onskar_arbeta_eller_studera"),
    "forutsattningar_med_jobbcoach": _assessment("forutsattningar_med_jobbcoach"),
    "stodbehov_arbete_eller_studier": _assessment("stodbehov_arbete_eller_studier"),
    "fortsatt_aktivt_arbetssokande": _assessment("kan_paborja_aktivt_arbetssokande"),
    "stodbehov_arbete_lss": _assessment("stodbehov_arbete"),
    "inforstadd_och_beredd": _assessment("inforstadd_och_beredd"),
    "kan_klara_anpassat_arbete": _assessment("kan_klara_anpassat_arbete"),
    "behov_av_stod_i_overgangsperiod": _assessment("behov_av_stod_i_overgangsperiod"),
}


def _ymd(dates):
    """Year, month, day of a datetime64[D] array, vectorised."""
    y = dates.astype("datetime64[Y]")
    m = dates.astype("datetime64[M]")
    return (
        y.astype(np.int64) + 1970,
        (m - y).astype(np.int64) + 1,
        (dates - m).astype(np.int64) + 1,
    )


def add_months(dates, months):
    """`dates` plus `months` calendar months, the day clamped to the month's last."""
    m = dates.astype("datetime64[M]")
    day = (dates - m).astype(np.int64)
    target = m + months.astype("timedelta64[M]")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    return target.astype("datetime64[D]") + np.minimum(day, length - 1).astype("timedelta64[D]")


def _outcome(criteria):
    def f(a, p, _):
        r = raw(a(f"kriterium_{criteria[0]}", p))
        for c in criteria[1:]:
            r = np.minimum(r, raw(a(f"kriterium_{c}", p)))
        return r

    return f


def _period_until(intervention, months, extension):
    def f(a, p, _):
        start = a(f"{intervention}_period_fran", p)
        n = np.full(start.shape, months, dtype=np.int64)
        if extension:
            n = n + np.where(a("sarskilda_skal_kand", p), a("sarskilda_skal_manader", p), 0)
        until = add_months(start, n) - np.timedelta64(1, "D")
        return np.where(a(intervention, p) == Utfall.beviljas, until, np.datetime64("1970-01-01"))

    return f


def _period_from(intervention):
    def f(a, p, _):
        start = np.where(a("startdatum_kand", p), a("startdatum", p), a("ansokningsdatum", p))
        return np.where(a(intervention, p) == Utfall.beviljas, start, np.datetime64("1970-01-01"))

    return f


def _variables():
    out = [
        _input("ansokningsdatum", datetime.date, "Ansökningsdatum"),
        _input("startdatum", datetime.date, "Startdatum"),
        _input("startdatum_kand", bool, "Startdatum är angivet"),
        _input("fodelsedatum", datetime.date, "Födelsedatum"),
        _input("fodelsedatum_kand", bool, "Födelsedatum är känt"),
        _input(
            "personkrets",
            Enum,
            "Personkrets enligt 1 § LSS",
            possible_values=Personkrets,
            default_value=Personkrets.ingen,
        ),
        _input("personkrets_kand", bool, "Personkrets är känd"),
        _input("sarskilda_skal_manader", int, "Månader på särskilda skäl"),
        _input("sarskilda_skal_kand", bool, "Särskilda skäl är angivna"),
    ]
    for name in BOOL_FACTS + ASSESSMENTS:
        out.append(_input(name, bool, name))
        out.append(_input(f"{name}_kand", bool, f"{name} är känt"))
    for name, role in REQUIREMENTS.items():
        out.append(_input(f"{name}_samrad_{role}", bool, f"Samråd med {role}"))
        out.append(_input(f"{name}_rapport_fran_{role}", bool, f"Rapport från {role}"))
    texts = guideline_criteria()
    for name, formula in CRITERIA.items():
        out.append(_criterion(f"kriterium_{name}", texts[name], formula))
    for name, (criteria, months, extension) in INTERVENTIONS.items():
        out.append(
            type(
                name,
                (Variable,),
                {
                    "value_type": Enum,
                    "possible_values": Utfall,
                    "default_value": Utfall.utredning_ofullstandig,
                    "entity": Arende,
                    "definition_period": PERIOD,
                    "label": f"Utfall för {name}",
                    "formula": _plain(_outcome(criteria)),
                },
            )
        )
        for part, formula in [
            ("fran", _period_from(name)),
            ("till", _period_until(name, months, extension)),
        ]:
            out.append(
                type(
                    f"{name}_period_{part}",
                    (Variable,),
                    {
                        "value_type": datetime.date,
                        "entity": Arende,
                        "definition_period": PERIOD,
                        "label": f"Beviljad period för {name}, {part}",
                        "formula": _plain(formula),
                    },
                )
            )
    # Duties of `lss` on rejection; a duty whose condition is not known applies.
    out.append(
        type(
            "lss_informera_ansoka_igen",
            (Variable,),
            {
                "value_type": bool,
                "entity": Arende,
                "definition_period": PERIOD,
                "label": "Informera om rätten att ansöka igen",
                "formula": _plain(lambda a, p, _: a("lss", p) == Utfall.avslag),
            },
        )
    )
    out.append(
        type(
            "lss_informera_daglig_verksamhet",
            (Variable,),
            {
                "value_type": bool,
                "entity": Arende,
                "definition_period": PERIOD,
                "label": "Informera om daglig verksamhet",
                "formula": _plain(
                    lambda a, p, _: (a("lss", p) == Utfall.avslag)
                    & (_not(tri(a("beviljad_daglig_verksamhet", p), a("beviljad_daglig_verksamhet_kand", p))) != EJ)
                ),
            },
        )
    )
    return out


def _guideline():
    return yaml.safe_load((ROOT / "policy/stod-arbete-studier/2022-05.yaml").read_text())


def guideline_criteria():
    """Each criterion's sentence, by id (`-` as `_`), from 2022-05.yaml."""
    return {c["id"].replace("-", "_"): c["text"] for c in _guideline()["criteria"]}


def check_against_guideline():
    """Fails when this model and 2022-05.yaml disagree on the interventions, their
    criteria or durations, or on which criteria there are: the model is written by hand,
    and must stay the guideline's."""
    g = _guideline()
    theirs = {}
    for i in g["interventions"]:
        d = i.get("duration") or {}
        theirs[i["id"].replace("-", "_")] = (
            [c.replace("-", "_") for c in i["criteria"]],
            12 * d.get("years", 0) + d.get("months", 0),
            "extension" in i,
        )
    ours = {k: (v[0], v[1], v[2]) for k, v in INTERVENTIONS.items()}
    if theirs != ours:
        raise ValueError(f"the model's interventions differ from 2022-05.yaml: {ours} != {theirs}")
    if set(guideline_criteria()) != set(CRITERIA):
        raise ValueError("the model's criteria differ from 2022-05.yaml")
    duties = {d["id"]: d.get("when") for d in g["duties"]}
    if duties != {"informera-ansoka-igen": None, "informera-daglig-verksamhet": "not beviljad_daglig_verksamhet"}:
        raise ValueError(f"the duties of 2022-05.yaml changed: {duties}")


def parameters() -> ParameterNode:
    """`yrkesverksam_alder` from policy/parameters.yaml, as an OpenFisca parameter node."""
    data = yaml.safe_load((ROOT / "policy/parameters.yaml").read_text())
    p = next(p for p in data["parameters"] if p["id"] == "yrkesverksam_alder")
    node = {"yrkesverksam_alder": {"description": p["description"]}}
    for bound in ["min", "max"]:
        node["yrkesverksam_alder"][bound] = {
            "values": {str(v["from"]): {"value": v["value"][bound]} for v in p["values"]}
        }
    return ParameterNode("", data=node)


class StodArbeteStudier(TaxBenefitSystem):
    def __init__(self):
        check_against_guideline()
        super().__init__([Arende])
        for v in _variables():
            self.add_variable(v)
        self.parameters = parameters()


# What is computed per case: each intervention's outcome and period, and lss's duties.
OUTPUTS = [
    *INTERVENTIONS,
    *(f"{i}_period_{part}" for i in INTERVENTIONS for part in ["fran", "till"]),
    "lss_informera_ansoka_igen",
    "lss_informera_daglig_verksamhet",
]
