"""Derived figures, computed once: growth, plan completion, sums, count changes.

A `Report` joins a province, a period's data and (when its file exists) the same period a
year earlier. Each indicator becomes a `Figure` carrying the stated numbers and the ones
computed from values; templates read `figure.growth` and `figure.plan_pct` (the stated
figure wins, the computed one fills the gap) and validation compares the two.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Optional

from ..vnformat import HUNDRED, TARGET_STATUS
from .model import TARGETS_SECTION, Count, Indicator, PeriodData, Province, Section
from .period import Period

if TYPE_CHECKING:
    from .layout import Layout

CENT = Decimal("0.01")


def ratio_pct(a: Decimal, b: Decimal) -> Optional[Decimal]:
    """a / b in percent, unrounded; None when b is zero."""
    if b == 0:
        return None
    return a / b * HUNDRED


def rounded(x: Optional[Decimal], step: Decimal = CENT) -> Optional[Decimal]:
    """Half-up rounding to `step` (two decimals by default) for computed figures."""
    return None if x is None else x.quantize(step, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figure:
    """An indicator with its derived figures."""

    id: str
    section: str
    ind: Indicator
    same_period: Optional[Decimal] = None  # stated, or the previous period's value
    same_period_from_previous: bool = False
    parts: tuple["Figure", ...] = ()
    part_of: Optional[str] = None  # id of the total this figure is a part of

    @property
    def is_part(self) -> bool:
        return self.part_of is not None

    # -- stated values, for templates
    @property
    def label(self) -> str:
        return self.ind.label

    @property
    def unit(self) -> str:
        return self.ind.unit

    @property
    def value(self) -> Optional[Decimal]:
        return self.ind.value

    @property
    def status(self) -> str:
        return self.ind.status

    @property
    def is_target(self) -> bool:
        """A target for the next period ('phấn đấu đạt'), not a result."""
        return self.ind.status == TARGET_STATUS

    @property
    def qualifier(self) -> Optional[str]:
        return self.ind.qualifier

    @property
    def price_basis(self) -> Optional[str]:
        return self.ind.price_basis

    @property
    def plan(self) -> Optional[Decimal]:
        return self.ind.plan

    @property
    def plan_growth(self) -> Optional[Decimal]:
        return self.ind.plan_growth

    @property
    def plan_style(self) -> str:
        """'vuot' when the plan completion is stated as an excess ('vượt 2,5% kế hoạch')."""
        return "vuot" if self.ind.plan_excess is not None else self.ind.plan_style

    @property
    def plan_excess(self) -> Optional[Decimal]:
        return self.ind.plan_excess

    @property
    def plan_name(self) -> Optional[str]:
        """The figure's own name for its plan ('kế hoạch đầu năm'), None: the province's."""
        return self.ind.plan_name

    @property
    def growth_qualifier(self) -> Optional[str]:
        return self.ind.growth_qualifier

    @property
    def plan_qualifier(self) -> Optional[str]:
        return self.ind.plan_qualifier

    @property
    def base(self) -> Optional[str]:
        """The figure's own comparison base style, None: the province's."""
        return self.ind.base

    @property
    def multiple(self):
        return self.ind.multiple

    @property
    def status_stated(self) -> bool:
        """True when the data writes a status (else 'đạt' is only the default)."""
        return "status" in self.ind.model_fields_set

    @property
    def note(self) -> Optional[str]:
        return self.ind.note

    @property
    def compare(self) -> Optional[str]:
        """The figure's change style; an index stated as `index` is said as an index."""
        if self.ind.compare is None and self.ind.index is not None:
            return "index"
        return self.ind.compare

    @property
    def out_of(self) -> Optional[Decimal]:
        return self.ind.out_of

    @property
    def is_share(self) -> bool:
        """A share or rate in percent: compared in points, not in growth."""
        return self.unit == "%"

    # -- derived
    @property
    def growth_computed(self) -> Optional[Decimal]:
        if self.value is None or self.same_period is None or self.is_share:
            return None
        r = ratio_pct(self.value, self.same_period)
        return None if r is None else r - HUNDRED

    @property
    def growth(self) -> Optional[Decimal]:
        """Growth in percent vs the same period: stated, else computed (rounded 0,01)."""
        if self.ind.growth is not None:
            return self.ind.growth
        if self.ind.index is not None:
            return self.ind.index - HUNDRED
        return rounded(self.growth_computed)

    @property
    def growth_stated(self) -> Optional[Decimal]:
        """The growth the data states, directly or as an index (index − 100)."""
        if self.ind.growth is not None:
            return self.ind.growth
        return None if self.ind.index is None else self.ind.index - HUNDRED

    @property
    def points(self) -> Optional[Decimal]:
        """Change of a share in percentage points."""
        if self.is_share and self.value is not None and self.same_period is not None:
            return self.value - self.same_period
        return None

    @property
    def plan_pct_computed(self) -> Optional[Decimal]:
        if self.value is None or self.plan is None:
            return None
        return ratio_pct(self.value, self.plan)

    @property
    def plan_pct(self) -> Optional[Decimal]:
        """Plan completion in percent: stated, else computed (rounded 0,01)."""
        if self.ind.plan_completion is not None:
            return self.ind.plan_completion
        if self.ind.plan_excess is not None:
            return HUNDRED + self.ind.plan_excess
        return rounded(self.plan_pct_computed)

    @property
    def parts_sum(self) -> Optional[Decimal]:
        values = [p.value for p in self.parts]
        if not values or any(v is None for v in values):
            return None
        return sum(values, Decimal(0))


def figure_label(f: Figure) -> str:
    """'Giá trị sản xuất công nghiệp (giá so sánh 2010)': the label as the body writes it."""
    return f"{f.label} (giá {f.price_basis})" if f.price_basis else f.label


@dataclass(frozen=True)
class CountFigure:
    """A count with its change against the same period."""

    id: str
    section: str
    count: Count
    pad: int
    parts: tuple["CountFigure", ...] = ()
    part_of: Optional[str] = None

    @property
    def is_part(self) -> bool:
        return self.part_of is not None

    @property
    def label(self) -> str:
        return self.count.label

    @property
    def value(self) -> int:
        return self.count.value

    @property
    def total(self) -> Optional[int]:
        return self.count.total

    @property
    def unit(self) -> str:
        return self.count.unit

    @property
    def verb(self) -> Optional[str]:
        return self.count.verb

    @property
    def noun_phrase(self) -> Optional[str]:
        """The label when it starts with the unit ('cụm công nghiệp trên địa bàn' for unit
        'cụm công nghiệp'), so that the number goes before it and the noun is said once;
        None when the label is not a noun phrase of the unit."""
        label, unit = self.label.strip(), self.unit.strip()
        # "Số vụ kiểm tra" (unit 'vụ') reads "987 vụ kiểm tra", not "Số vụ kiểm tra là 987 vụ"
        if label[:3].casefold() == "số " and label[3:].casefold().startswith(unit.casefold()):
            label = label[3:]
        if unit and label.casefold().startswith(unit.casefold()):
            rest = label[len(unit):]
            if not rest or not rest[0].isalnum():
                return unit + rest
        return None

    @property
    def qualifier(self) -> Optional[str]:
        return self.count.qualifier

    @property
    def diff(self) -> Optional[int]:
        """value − same period (negative for a fall)."""
        if self.count.same_period is None:
            return None
        return self.count.value - self.count.same_period

    @property
    def change_computed(self) -> Optional[Decimal]:
        if self.count.same_period in (None, 0):
            return None
        return Decimal(self.diff) / Decimal(self.count.same_period) * HUNDRED

    @property
    def change(self) -> Optional[Decimal]:
        if self.count.change is not None:
            return self.count.change
        return rounded(self.change_computed)

    @property
    def share_pct(self) -> Optional[Decimal]:
        """value / total in percent, rounded 0,01; a whole number is written whole (100%)."""
        if not self.total:
            return None
        pct = rounded(ratio_pct(Decimal(self.value), Decimal(self.total)))
        return pct.quantize(Decimal(1)) if pct == pct.to_integral_value() else pct


@dataclass(frozen=True)
class SectionView:
    key: str
    section: Section
    indicators: dict[str, Figure]
    products: dict[str, Figure]
    counts: dict[str, CountFigure]

    @property
    def items(self) -> list[str]:
        return list(self.section.items)

    @property
    def sentences(self) -> list[str]:
        """The author's sentence patterns (reportgen.sentences fills them)."""
        return list(self.section.sentences)

    @property
    def bound(self) -> set[str]:
        """Ids of this section's figures and counts said by its sentences (not printed again)."""
        from .placeholders import bound_ids
        return bound_ids(self.section.sentences)

    @property
    def intro(self) -> Optional[str]:
        return self.section.intro

    @property
    def title(self) -> Optional[str]:
        return self.section.title


@dataclass(frozen=True)
class Report:
    """Everything one report is made from, with derived figures."""

    slug: str
    province: Province
    period: Period
    data: PeriodData
    previous: Optional[PeriodData] = None
    sections: dict[str, SectionView] = field(default_factory=dict)
    # earlier periods of the same kind that load without error, oldest first (trend chart)
    history: tuple[tuple[Period, PeriodData], ...] = ()
    # the layout the report was loaded with (sections, chart series); None when loaded without
    layout: Optional["Layout"] = None

    @property
    def figures(self) -> dict[str, Figure]:
        """Every figure by id. A target (section `phuong_huong`) may share the id of the
        result it is a target for: then the result is the one listed here."""
        out: dict[str, Figure] = {}
        for view in self.sections.values():
            for k, f in {**view.indicators, **view.products}.items():
                if k not in out or (out[k].section == TARGETS_SECTION
                                    and f.section != TARGETS_SECTION):
                    out[k] = f
        return out

    @property
    def counts(self) -> dict[str, CountFigure]:
        out: dict[str, CountFigure] = {}
        for view in self.sections.values():
            out.update(view.counts)
        return out

    @property
    def indicator_count(self) -> int:
        return len(self.figures) + len(self.counts)


def _previous_values(previous: Optional[PeriodData]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    if previous is None:
        return out
    for sec_key, sec in previous.sections.items():
        if sec_key == TARGETS_SECTION:  # last period's targets are not its results
            continue
        for key, ind in {**sec.indicators, **sec.products}.items():
            # "trên 35.360" is no exact base: no rate is computed from it
            if ind.value is not None and ind.qualifier is None:
                out[key] = ind.value
    return out


def build_report(slug: str, province: Province, period: Period, data: PeriodData,
                 previous: Optional[PeriodData] = None,
                 history: tuple[tuple[Period, PeriodData], ...] = (),
                 layout: Optional["Layout"] = None) -> Report:
    """Join the inputs and compute the derived figures once."""
    prev = _previous_values(previous)
    # a target for the next period is compared with this period's result of the same id
    # (not when either value is approximate: "trên 40.000" against "trên 35.360" gives no rate)
    results = {k: i.value for sk, s in data.sections.items() if sk != TARGETS_SECTION
               for k, i in {**s.indicators, **s.products}.items()
               if i.value is not None and i.qualifier is None}

    def figure(key: str, sec_key: str, ind: Indicator) -> Figure:
        if ind.same_period is not None:
            return Figure(key, sec_key, ind, ind.same_period)
        if sec_key == TARGETS_SECTION:
            return Figure(key, sec_key, ind, None if ind.qualifier else results.get(key))
        if key in prev:
            return Figure(key, sec_key, ind, prev[key], same_period_from_previous=True)
        return Figure(key, sec_key, ind)

    raw: dict[str, dict[str, dict[str, Figure]]] = {}
    for sec_key, sec in data.sections.items():
        raw[sec_key] = {
            "indicators": {k: figure(k, sec_key, i) for k, i in sec.indicators.items()},
            "products": {k: figure(k, sec_key, i) for k, i in sec.products.items()},
        }
    # parts link within the results, and within the targets (which may reuse result ids)
    flat: dict[bool, dict[str, Figure]] = {False: {}, True: {}}
    for sec_key, groups in raw.items():
        for g in groups.values():
            flat[sec_key == TARGETS_SECTION].update(g)
    owner = {t: {p: k for k, f in flat[t].items() for p in f.ind.parts} for t in flat}

    def linked(f: Figure) -> Figure:
        table = flat[f.section == TARGETS_SECTION]
        parts = tuple(replace(table[p], part_of=f.id) for p in f.ind.parts if p in table)
        return replace(f, parts=parts, part_of=owner[f.section == TARGETS_SECTION].get(f.id))

    counts = {k: CountFigure(k, sec_key, c, province.style.pad if c.pad is None else c.pad)
              for sec_key, sec in data.sections.items() for k, c in sec.counts.items()}
    count_owner = {p: k for k, c in counts.items() for p in c.count.parts}

    def linked_count(c: CountFigure) -> CountFigure:
        parts = tuple(replace(counts[p], part_of=c.id) for p in c.count.parts if p in counts)
        return replace(c, parts=parts, part_of=count_owner.get(c.id))

    views = {}
    for sec_key, sec in data.sections.items():
        views[sec_key] = SectionView(
            sec_key, sec,
            {k: linked(f) for k, f in raw[sec_key]["indicators"].items()},
            {k: linked(f) for k, f in raw[sec_key]["products"].items()},
            {k: linked_count(counts[k]) for k in sec.counts},
        )
    return Report(slug, province, period, data, previous, views, tuple(history), layout)
