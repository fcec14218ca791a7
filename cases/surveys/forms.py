"""The survey form: five 1-5 scores, would-recommend, an optional comment. Errors in plain Chinese."""
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.surveys.models import COMMENT_MAX_LENGTH, DIMENSIONS, SCORE_MAX, SCORE_MIN

QUESTIONS = {
    "convenience": _("申请、提交材料、参加调解或处理是否方便？"),
    "timeliness": _("案件是否得到及时办理，进展是否及时告知？"),
    "professionalism": _("工作人员是否熟悉知识产权业务、解释清楚？"),
    "fairness": _("办理过程是否公平、公正，平等对待各方？"),
    "outcome": _("您对案件的处理结果是否满意？"),
}
SCALE = (
    (1, _("很不满意")),
    (2, _("不满意")),
    (3, _("一般")),
    (4, _("满意")),
    (5, _("很满意")),
)


class SurveyForm(forms.Form):
    would_recommend = forms.TypedChoiceField(
        label=_("您是否愿意向他人推荐通过本平台化解知识产权纠纷？"),
        choices=(("yes", _("愿意")), ("no", _("不愿意"))), coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择是否愿意推荐。"), "invalid_choice": _("请选择“愿意”或“不愿意”。")},
    )
    comment = forms.CharField(
        label=_("意见建议"), required=False, max_length=COMMENT_MAX_LENGTH, strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=format_lazy(
            _("选填，不超过{max}字。请不要填写身份证号码、电话号码等个人信息。"), max=COMMENT_MAX_LENGTH,
        ),
        error_messages={"max_length": _("意见建议不能超过%(limit_value)d字（现有%(show_value)d字）。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dimension_fields = {}
        for name, label in DIMENSIONS:
            dimension_fields[name] = forms.TypedChoiceField(
                label=QUESTIONS[name], choices=SCALE, coerce=int, widget=forms.RadioSelect,
                error_messages={
                    "required": _("请为“%(dimension)s”选择1至5分。") % {"dimension": label},
                    "invalid_choice": _("“%(dimension)s”的评分只能是%(min)d至%(max)d分。") % {
                        "dimension": label, "min": SCORE_MIN, "max": SCORE_MAX},
                },
            )
            dimension_fields[name].short_label = label
        self.fields = {**dimension_fields, **self.fields}

    def dimension_fields(self):
        return [self[name] for name, _label in DIMENSIONS]
