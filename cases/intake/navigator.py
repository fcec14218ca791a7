"""维权导航: which route fits a would-be complainant, in plain words, before any account.

``recommend(answers)`` is a pure function of the questionnaire's answers (no database,
no request): the route (调解 / 行政裁决 / 诉讼), why, what evidence to prepare and what
happens next. The rules follow DESIGN.md section 4:

- a court already involved in the same dispute -> 诉讼 (mediation and adjudication do not
  take a dispute a court has docketed; the court may delegate it back to mediation);
- a patent infringement where the applicant wants a quick administrative order to stop it
  -> 行政裁决 (速裁: the office can only order the infringement stopped; damages only by
  mediation, otherwise by the court);
- the other side has already refused to mediate -> 诉讼 (mediation is voluntary; the court
  decides damages), with adjudication named for a patent infringement;
- everything else -> 调解 (快调: free, voluntary, fast), with litigation named as the way
  on when the other side refuses or damages must be decided.
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from cases.models import IPRightKind, Route

# -- the questions' answers (values stored in the session and carried into the wizard) --------

RIGHT_CHOICES = [
    (IPRightKind.INVENTION_PATENT.value, _("发明专利")),
    (IPRightKind.UTILITY_MODEL.value, _("实用新型专利")),
    (IPRightKind.DESIGN_PATENT.value, _("外观设计专利")),
    (IPRightKind.TRADEMARK.value, _("商标")),
    (IPRightKind.COPYRIGHT.value, _("著作权（版权、软件著作权）")),
    (IPRightKind.TRADE_SECRET.value, _("商业秘密")),
    ("other", _("其他或不确定")),
]
PATENT_ANSWERS = frozenset({
    IPRightKind.INVENTION_PATENT.value, IPRightKind.UTILITY_MODEL.value, IPRightKind.DESIGN_PATENT.value,
})

HAPPENED_INFRINGEMENT = "infringement"
HAPPENED_CONTRACT = "contract"
HAPPENED_OWNERSHIP = "ownership"
HAPPENED_OTHER = "other"
HAPPENED_CHOICES = [
    (HAPPENED_INFRINGEMENT, _("有人未经许可抄袭、仿冒、制造、销售或使用我的权利")),
    (HAPPENED_CONTRACT, _("合同或许可使用方面的纠纷（如不付许可费、超范围使用）")),
    (HAPPENED_OWNERSHIP, _("权利归谁所有有争议")),
    (HAPPENED_OTHER, _("其他情况")),
]

WANTS_STOP = "stop"
WANTS_COMPENSATION = "compensation"
WANTS_BOTH = "both"
WANTS_OTHER = "other"
WANTS_CHOICES = [
    (WANTS_STOP, _("让对方停止侵权")),
    (WANTS_COMPENSATION, _("要求对方赔偿损失")),
    (WANTS_BOTH, _("既要停止侵权，也要赔偿")),
    (WANTS_OTHER, _("其他（如确认权属、履行合同）")),
]

COURT_YES = "yes"
COURT_NO = "no"
COURT_UNSURE = "unsure"
COURT_CHOICES = [
    (COURT_NO, _("没有")),
    (COURT_YES, _("有，已经起诉或法院已经立案")),
    (COURT_UNSURE, _("不确定")),
]

OTHER_SIDE_WILLING = "willing"
OTHER_SIDE_REFUSED = "refused"
OTHER_SIDE_UNKNOWN = "unknown"
OTHER_SIDE_CHOICES = [
    (OTHER_SIDE_UNKNOWN, _("不知道，还没有和对方谈过")),
    (OTHER_SIDE_WILLING, _("对方可能愿意协商")),
    (OTHER_SIDE_REFUSED, _("对方已明确拒绝协商或调解")),
]

QUICK_ORDER_CHOICES = [
    ("yes", _("希望，尽快责令对方停止侵权")),
    ("no", _("不需要")),
]

QUESTIONS = ("right", "happened", "wants", "court", "other_side", "quick_order")

# The wizard's dispute type for each "what happened" answer.
DISPUTE_TYPE_FOR = {
    HAPPENED_INFRINGEMENT: "infringement",
    HAPPENED_CONTRACT: "contract",
    HAPPENED_OWNERSHIP: "ownership",
    HAPPENED_OTHER: "other",
}

ROUTE_SUMMARIES = {
    Route.MEDIATION: _(
        "调解（快调）：由区知识产权纠纷人民调解委员会组织双方协商，免费、自愿，一般30日内调结。"
    ),
    Route.ADJUDICATION: _(
        "行政裁决（速裁）：由区知识产权管理部门处理专利侵权纠纷，可以责令侵权人停止侵权，一般3个月内作出裁决；"
        "赔偿问题只能调解，调解不成的可向法院起诉。"
    ),
    Route.LITIGATION: _(
        "人民法院诉讼（精审）：由重庆知识产权法庭巡回审判站审理，法院可以判决停止侵权和赔偿损失。"
    ),
}


@dataclass(frozen=True)
class Answers:
    """The questionnaire, cleaned. Unknown values count as "other" / "unsure"."""

    right: str = "other"
    happened: str = HAPPENED_OTHER
    wants: str = WANTS_OTHER
    court: str = COURT_UNSURE
    other_side: str = OTHER_SIDE_UNKNOWN
    quick_order: bool = False

    @classmethod
    def from_mapping(cls, data) -> "Answers":
        data = data or {}

        def pick(name, choices, default):
            value = data.get(name)
            return value if value in {c for c, _label in choices} else default

        quick = data.get("quick_order")
        return cls(
            right=pick("right", RIGHT_CHOICES, "other"),
            happened=pick("happened", HAPPENED_CHOICES, HAPPENED_OTHER),
            wants=pick("wants", WANTS_CHOICES, WANTS_OTHER),
            court=pick("court", COURT_CHOICES, COURT_UNSURE),
            other_side=pick("other_side", OTHER_SIDE_CHOICES, OTHER_SIDE_UNKNOWN),
            quick_order=quick is True or quick == "yes",
        )

    @property
    def is_patent(self) -> bool:
        return self.right in PATENT_ANSWERS

    def as_dict(self) -> dict:
        return {
            "right": self.right, "happened": self.happened, "wants": self.wants, "court": self.court,
            "other_side": self.other_side, "quick_order": "yes" if self.quick_order else "no",
        }


@dataclass
class Recommendation:
    route: str
    reasons: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    next_steps: list = field(default_factory=list)
    alternatives: list = field(default_factory=list)

    @property
    def route_label(self):
        return {
            Route.MEDIATION: _("调解（快调）"),
            Route.ADJUDICATION: _("行政裁决（速裁）"),
            Route.LITIGATION: _("人民法院诉讼（精审）"),
        }[Route(self.route)]

    @property
    def summary(self):
        return ROUTE_SUMMARIES[Route(self.route)]


def recommend(answers) -> Recommendation:
    """The route that fits ``answers`` (an ``Answers`` or a mapping of the form's values)."""
    if not isinstance(answers, Answers):
        answers = Answers.from_mapping(answers)
    route, reasons, alternatives = _route(answers)
    return Recommendation(
        route=route, reasons=reasons, evidence=_evidence(answers), next_steps=_next_steps(route, answers),
        alternatives=alternatives,
    )


# -- rules ------------------------------------------------------------------------------------


def _route(a: Answers):
    reasons, alternatives = [], []
    patent_infringement = a.is_patent and a.happened == HAPPENED_INFRINGEMENT

    if a.court == COURT_YES:
        reasons.append(_(
            "同一纠纷已经由人民法院处理的，调解委员会和行政机关不再受理，应当继续在法院解决。"
        ))
        reasons.append(_(
            "您仍然可以向法院表示愿意调解：法院可以委派或委托我们的调解委员会调解，调解成功的由法院确认。"
        ))
        return Route.LITIGATION, reasons, alternatives

    if a.court == COURT_UNSURE:
        reasons.append(_(
            "请先确认是否已经起诉或收到法院的立案通知；如果同一纠纷已由法院立案，调解和行政裁决都不再受理。"
        ))

    if patent_infringement and a.quick_order and a.wants in (WANTS_STOP, WANTS_BOTH):
        reasons.append(_("您的纠纷是专利侵权纠纷，并希望尽快制止侵权：行政裁决可以责令侵权人立即停止侵权。"))
        reasons.append(_("行政裁决一般在立案后3个月内作出，不收费，比诉讼更快。"))
        if a.wants == WANTS_BOTH:
            reasons.append(_(
                "行政裁决不能判决赔偿。赔偿问题可以在裁决过程中调解；调解不成的，可以向人民法院起诉要求赔偿。"
            ))
        if a.other_side == OTHER_SIDE_REFUSED:
            reasons.append(_("行政裁决不需要对方同意，对方拒绝调解也可以申请。"))
        else:
            alternatives.append(_("如果对方愿意协商，也可以先选择调解，调解免费且一般30日内结束。"))
        alternatives.append(_("对裁决不服的，双方都可以在收到裁决书之日起15日内向人民法院起诉。"))
        return Route.ADJUDICATION, reasons, alternatives

    if a.other_side == OTHER_SIDE_REFUSED:
        reasons.append(_("调解必须双方自愿。对方已经明确拒绝调解的，由人民法院审理更合适。"))
        if a.wants in (WANTS_COMPENSATION, WANTS_BOTH):
            reasons.append(_("赔偿金额需要由人民法院依法判决。"))
        if patent_infringement:
            alternatives.append(_(
                "您的纠纷是专利侵权纠纷：如果主要是想尽快制止侵权，也可以申请行政裁决（速裁），不需要对方同意。"
            ))
        alternatives.append(_("对方之后改变主意愿意调解的，仍可以申请调解；法院也可以委派调解。"))
        return Route.LITIGATION, reasons, alternatives

    reasons.append(_("调解免费、自愿，一般30日内结束；达成的调解协议可以申请法院司法确认，确认后可申请强制执行。"))
    if a.wants in (WANTS_COMPENSATION, WANTS_BOTH):
        reasons.append(_(
            "赔偿金额可以在调解中协商确定。如果对方拒绝调解或调解不成，需要由人民法院判决赔偿。"
        ))
    if a.quick_order and not a.is_patent:
        reasons.append(_("行政裁决（速裁）只适用于专利侵权纠纷，您的情况不能申请行政裁决。"))
    elif a.quick_order and a.is_patent and a.happened != HAPPENED_INFRINGEMENT:
        reasons.append(_("行政裁决（速裁）只处理专利侵权纠纷，合同、权属等纠纷不能申请行政裁决。"))
    elif a.quick_order and patent_infringement and a.wants == WANTS_COMPENSATION:
        reasons.append(_("您只要求赔偿：行政裁决只能责令停止侵权，不能判决赔偿，因此建议调解。"))
    if a.happened == HAPPENED_OWNERSHIP:
        reasons.append(_("权属纠纷可以调解，但调解协议不能申请司法确认；调解不成的，可以向人民法院起诉。"))
    if patent_infringement and not a.quick_order:
        alternatives.append(_("专利侵权纠纷也可以申请行政裁决（速裁），由行政机关责令侵权人停止侵权。"))
    alternatives.append(_("对方拒绝调解或调解不成的，您可以向人民法院起诉。"))
    return Route.MEDIATION, reasons, alternatives


_RIGHT_EVIDENCE = {
    IPRightKind.INVENTION_PATENT.value: [
        _("专利证书"),
        _("最近一期专利年费缴纳凭证或专利登记簿副本（证明专利仍然有效）"),
        _("专利权利要求书和说明书"),
    ],
    IPRightKind.UTILITY_MODEL.value: [
        _("专利证书"),
        _("最近一期专利年费缴纳凭证或专利登记簿副本（证明专利仍然有效）"),
        _("专利权利要求书和说明书"),
        _("专利权评价报告（如有）"),
    ],
    IPRightKind.DESIGN_PATENT.value: [
        _("专利证书"),
        _("最近一期专利年费缴纳凭证或专利登记簿副本（证明专利仍然有效）"),
        _("外观设计图片或照片"),
        _("专利权评价报告（如有）"),
    ],
    IPRightKind.TRADEMARK.value: [
        _("商标注册证（及核准续展、转让证明，如有）"),
        _("商标使用情况的证明（如商品照片、宣传材料）"),
    ],
    IPRightKind.COPYRIGHT.value: [
        _("作品登记证书或计算机软件著作权登记证书"),
        _("没有登记的，提供作品底稿、原件、首次发表的证明等"),
    ],
    IPRightKind.TRADE_SECRET.value: [
        _("证明该信息不为公众所知悉、具有商业价值的材料"),
        _("采取保密措施的证明（保密协议、保密制度、竞业限制协议等）"),
    ],
    "other": [_("证明您享有该项权利的文件（登记证书、合同等）")],
}

_HAPPENED_EVIDENCE = {
    HAPPENED_INFRINGEMENT: [
        _("侵权证据：公证购买的侵权产品及发票、现场照片或视频、网页截图或电子存证、销售记录等"),
        _("被申请人的名称、地址和联系方式（如营业执照信息、网店页面）"),
    ],
    HAPPENED_CONTRACT: [
        _("合同或许可使用协议"),
        _("履行情况的证明：付款记录、往来函件、聊天记录等"),
    ],
    HAPPENED_OWNERSHIP: [
        _("权属证明：研发记录、劳动合同或委托开发合同、申请文件等"),
    ],
    HAPPENED_OTHER: [_("与争议有关的书面材料、往来记录")],
}


def _evidence(a: Answers) -> list:
    items = [_("申请人身份证明：身份证或营业执照")]
    items += _RIGHT_EVIDENCE[a.right]
    items += _HAPPENED_EVIDENCE[a.happened]
    if a.wants in (WANTS_COMPENSATION, WANTS_BOTH):
        items.append(_("损失证明：合同、发票、财务账册、许可使用费标准等赔偿金额的计算依据"))
    items.append(_("委托他人代理的，提供授权委托书和代理人身份证明"))
    return items


def _next_steps(route, a: Answers) -> list:
    common = [
        _("在网上填写申请并上传证据（也可以到区知识产权保护中心窗口提交）。"),
        _("受理员在5个工作日内审查，决定受理、通知补正或不予受理；材料不全的，一次性告知需补正的内容，请在10日内补正。"),
    ]
    if route == Route.ADJUDICATION:
        return common + [
            _("受理后转区知识产权管理部门，5个工作日内决定是否立案，并将申请书送达被申请人。"),
            _("被申请人在15日内答辩；必要时举行口头审理，会提前至少3个工作日通知您。"),
            _("一般在立案后3个月内作出行政裁决；对裁决不服的，可在收到裁决书之日起15日内向法院起诉。"),
        ]
    if route == Route.LITIGATION:
        if a.court == COURT_YES:
            return [
                _("请与承办法官或书记员联系，继续在法院办理。"),
                _("如果愿意调解，可以向法院提出，由法院委派或委托调解委员会调解。"),
                _("如需在本平台登记，可以提交申请并选择“诉讼”，受理员会转交知识产权巡回审判站。"),
            ]
        return common + [
            _("受理后移送重庆知识产权法庭巡回审判站，由法院依法立案审理。"),
        ]
    return common + [
        _("受理后3个工作日内征询对方是否同意调解；对方明确拒绝的，调解终止，我们会告诉您可以选择的其他途径。"),
        _("对方同意的，调委会指派熟悉您所在行业的调解员，组织双方在30日内调解。"),
        _("达成协议的，签订调解协议书；双方可以在协议生效后30日内共同申请法院司法确认。"),
    ]


def wizard_prefill(answers) -> dict:
    """What the complaint wizard takes from the navigator's answers (never marks a step done)."""
    if not isinstance(answers, Answers):
        answers = Answers.from_mapping(answers)
    rec = recommend(answers)
    prefill = {
        "dispute": {
            "dispute_type": DISPUTE_TYPE_FOR[answers.happened],
            "preferred_route": rec.route,
        },
    }
    if answers.court in (COURT_YES, COURT_NO):
        prefill["dispute"]["court_involved"] = answers.court
    if answers.right != "other":
        prefill["rights"] = [{"kind": answers.right, "number": "", "title": "", "holder": ""}]
    return prefill
