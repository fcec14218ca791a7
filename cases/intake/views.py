"""The complainant's pages: 维权导航, registration, the complaint wizard, submission, notices.

Thin: forms validate, ``cases.intake.drafts`` writes. Every page works without JavaScript.
"""
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cases.intake import drafts, navigator
from cases.intake.forms import (
    COURT_INVOLVED_CHOICES,
    FORMSET_STEPS,
    ROUTE_CHOICES,
    AttachmentForm,
    GuideForm,
    RegisterForm,
    ReviewForm,
    formset_cleaned_rows,
    raw_rows,
    step_form,
    stored_form,
)
from cases.intake.models import ComplaintDraft
from cases.masking import mask_phone
from cases.models import DisputeType, Industry, IPRightKind, Notification, Party, Route
from cases.pagination import Keyset, keyset_page
from cases.permissions import access_case

SESSION_GUIDE = "intake_guide_answers"

NOTICE_KEYS = Keyset("-created_at", "-id")  # the notices page: newest first


def _client_ip(request):
    return request.META.get("REMOTE_ADDR")


def _safe_next(request, value):
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure(),
    ):
        return value
    return ""


# -- 维权导航 -----------------------------------------------------------------------------------


@never_cache
def guide(request):
    """The questionnaire; with answers in the query string it shows the recommendation too."""
    bound = any(name in request.GET for name in navigator.QUESTIONS)
    form = GuideForm(request.GET if bound else None)
    recommendation = answers = None
    if bound and form.is_valid():
        answers = navigator.Answers.from_mapping(form.cleaned_data)
        recommendation = navigator.recommend(answers)
    return render(request, "intake/guide.html", {
        "form": form, "recommendation": recommendation, "answers": answers,
        "is_patent": bool(answers and answers.is_patent),
    }, status=400 if bound and not form.is_valid() else 200)


@require_POST
def guide_start(request):
    """"开始网上申请": keep the answers for the wizard, then on to the complaint (or to an account)."""
    form = GuideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请先回答维权导航的问题。"))
        return redirect("intake:guide")
    request.session[SESSION_GUIDE] = navigator.Answers.from_mapping(form.cleaned_data).as_dict()
    if request.user.is_authenticated:
        return redirect("intake:complaint_start")
    return redirect(f"{reverse('intake:register')}?next={reverse('intake:complaint_start')}")


def privacy(request):
    return render(request, "intake/privacy.html")


# -- registration ---------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = drafts.complainant_register(
                full_name=data["full_name"], password=data["password1"], phone=data["phone"], email=data["email"],
            )
        except IntegrityError:
            form.add_error(None, _("该手机号码或电子邮箱刚刚已被注册，请直接登录。"))
        else:
            login(request, user, backend="cases.auth.PhoneOrEmailBackend")
            messages.success(request, _("注册成功，欢迎使用。"))
            if next_url:
                return redirect(next_url)
            if request.session.get(SESSION_GUIDE):
                return redirect("intake:complaint_start")
            return redirect("home")
    return render(request, "intake/register.html", {
        "form": form, "next": next_url, "password_rules": password_validation.password_validators_help_texts(),
    }, status=400 if form.is_bound and form.errors else 200)


# -- the complaint wizard -------------------------------------------------------------------


def _own_draft(request, draft_id) -> ComplaintDraft:
    draft = ComplaintDraft.objects.filter(pk=draft_id, owner=request.user).first()
    if draft is None:
        raise Http404
    return draft


def _step_nav(draft, current):
    completed = set((draft.data or {}).get("completed", []))
    if draft.attachments.exists():
        completed.add("evidence")
    return [
        {"step": s, "label": drafts.STEP_LABELS[s], "number": i, "done": s in completed, "current": s == current,
         "url": reverse("intake:complaint_step", args=[draft.pk, s])}
        for i, s in enumerate(drafts.STEPS, start=1)
    ]


def _next_step(step):
    index = drafts.STEPS.index(step)
    return drafts.STEPS[min(index + 1, len(drafts.STEPS) - 1)]


def _prev_step(step):
    index = drafts.STEPS.index(step)
    return drafts.STEPS[index - 1] if index > 0 else None


def _render_step(request, draft, step, context, status=200):
    context = {
        "draft": draft, "step": step, "step_label": drafts.STEP_LABELS[step],
        "step_number": drafts.STEPS.index(step) + 1, "step_count": len(drafts.STEPS),
        "steps": _step_nav(draft, step), "prev_step": _prev_step(step),
        "return_to_review": request.GET.get("from") == "review" or request.POST.get("return_to") == "review",
        **context,
    }
    return render(request, f"intake/step_{step}.html", context, status=status)


@never_cache
@login_required
def complaint_start(request):
    """Create or resume the user's latest unsubmitted draft, with the navigator's answers if any."""
    draft = drafts.draft_get_or_create(owner=request.user)
    answers = request.session.pop(SESSION_GUIDE, None)
    if answers:
        drafts.draft_prefill(draft=draft, answers=answers)
        messages.info(request, _("已根据维权导航的回答预先填写了部分内容，请核对。"))
    step = draft.step if draft.step in drafts.STEPS else drafts.STEPS[0]
    return redirect("intake:complaint_step", draft_id=draft.pk, step=step)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def complaint_step(request, draft_id, step):
    if step not in drafts.STEPS:
        raise Http404
    draft = _own_draft(request, draft_id)
    if draft.submitted_at is not None:
        if draft.submitted_case_id:
            return redirect("intake:submitted", case_id=draft.submitted_case_id)
        raise Http404
    if step == "evidence":
        return _evidence_step(request, draft)
    if step == "review":
        return _review_step(request, draft)
    return _data_step(request, draft, step)


def _data_step(request, draft, step):
    data = draft.data or {}
    if request.method == "POST":
        if step in FORMSET_STEPS and ("add" in request.POST or "remove" in request.POST):
            return _add_or_remove(request, draft, step)
        form = step_form(step, data, post=request.POST)
        if form.is_valid():
            cleaned = formset_cleaned_rows(form) if step in FORMSET_STEPS else form.cleaned_data
            advance = request.POST.get("action", "continue") != "save"
            back_to_review = request.POST.get("return_to") == "review"
            target = ("review" if back_to_review else _next_step(step)) if advance else step
            try:
                drafts.draft_save_step(draft=draft, step=step, data=cleaned, next_step=target)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("home")
            if not advance:
                messages.success(request, _("草稿已保存。您可以随时在“我的案件”页面继续填写，换一台设备登录也可以。"))
            url = reverse("intake:complaint_step", args=[draft.pk, target])
            if not advance and back_to_review:
                url += "?from=review"
            return redirect(url)
        return _render_step(request, draft, step, {"form": form}, status=400)
    return _render_step(request, draft, step, {"form": step_form(step, data)})


def _add_or_remove(request, draft, step):
    """"添加" / "删除" without JavaScript: re-render the rows as typed, one more or one fewer."""
    rows = raw_rows(step, request.POST)
    cls = FORMSET_STEPS[step]
    announce = ""
    if "add" in request.POST:
        if len(rows) < cls.max_num:
            rows.append({})
            announce = _("已添加第%(n)d项，请填写。") % {"n": len(rows)}
        else:
            announce = _("最多填写%(max)d项。") % {"max": cls.max_num}
    else:
        try:
            index = int(request.POST.get("remove"))
        except (TypeError, ValueError):
            index = -1
        if 0 <= index < len(rows) and len(rows) > 1:
            rows.pop(index)
            announce = _("已删除第%(n)d项（尚未保存）。") % {"n": index + 1}
    form = step_form(step, draft.data or {}, initial_override=rows or [{}])
    return _render_step(request, draft, step, {"form": form, "announce": announce})


def _evidence_step(request, draft):
    form = AttachmentForm()
    status = 200
    if request.method == "POST":
        if "delete" in request.POST:
            if drafts.draft_remove_attachment(draft=draft, attachment_id=request.POST.get("delete")):
                messages.success(request, _("文件已删除。"))
            return redirect("intake:complaint_step", draft_id=draft.pk, step="evidence")
        action = request.POST.get("action", "continue")
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data.get("file")
            if uploaded:
                try:
                    attachment = drafts.draft_attach(
                        draft=draft, uploaded_file=uploaded, description=form.cleaned_data["description"],
                    )
                except ValidationError as exc:
                    if hasattr(exc, "error_dict"):
                        for field, errors in exc.error_dict.items():
                            form.add_error(field if field in form.fields else None, errors)
                    else:
                        form.add_error("file", exc)
                else:
                    messages.success(request, _("已上传：%(name)s") % {"name": attachment.original_name})
            elif action == "upload":
                form.add_error("file", ValidationError(_("请先选择要上传的文件。"), code="required"))
        if form.is_valid():
            if action == "continue":
                if not draft.attachments.exists():
                    form.add_error("file", ValidationError(_("请至少上传一份证据材料。"), code="required"))
                else:
                    drafts.draft_set_step(draft=draft, step="review")
                    return redirect("intake:complaint_step", draft_id=draft.pk, step="review")
            else:
                return redirect("intake:complaint_step", draft_id=draft.pk, step="evidence")
        status = 400
    return _render_step(request, draft, "evidence", {
        "form": form, "attachments": list(draft.attachments.order_by("uploaded_at", "pk")),
        "has_agent": bool(((draft.data or {}).get("applicant") or {}).get("has_agent")),
    }, status=status)


def _field_label(form, name):
    field = form.fields.get(name) if hasattr(form, "fields") else None
    return str(field.label) if field is not None and field.label else ""


def review_problems(draft) -> list:
    """Everything that keeps the draft from being submitted, checked again from what it holds."""
    data = draft.data or {}
    completed = set(data.get("completed", []))
    problems = []
    for step in drafts.DATA_STEPS:
        if step not in completed:
            problems.append(drafts.DraftProblem(step, _("这一步还没有填写完成。")))
            continue
        form = stored_form(step, data)
        if form.is_valid():
            continue
        if step in FORMSET_STEPS:
            for i, sub in enumerate(form.forms, start=1):
                for name, errors in sub.errors.items():
                    label = _field_label(sub, name)
                    for message in errors:
                        problems.append(drafts.DraftProblem(step, f"第{i}项 {label}：{message}"))
            for message in form.non_form_errors():
                problems.append(drafts.DraftProblem(step, message))
        else:
            for name, errors in form.errors.items():
                label = _field_label(form, name)
                for message in errors:
                    problems.append(drafts.DraftProblem(step, f"{label}：{message}" if label else message))
    if not draft.attachments.exists():
        problems.append(drafts.DraftProblem("evidence", _("请至少上传一份证据材料。")))
    return problems


def _choice_label(choices, value):
    return {str(k): v for k, v in choices}.get(str(value), value or "")


def _summary(draft):
    """What the review page shows, step by step, as (label, value) rows."""
    data = draft.data or {}
    applicant = data.get("applicant") or {}
    dispute = data.get("dispute") or {}
    kinds = dict(Party.Kind.choices)
    rows = [
        (_("类型"), kinds.get(applicant.get("kind"), "")),
        (_("姓名或名称"), applicant.get("name", "")),
    ]
    if applicant.get("kind") == Party.Kind.ORGANIZATION:
        rows += [(_("统一社会信用代码"), applicant.get("credit_code", "")),
                 (_("法定代表人"), applicant.get("legal_representative", ""))]
    else:
        rows.append((_("居民身份证号码"), applicant.get("id_number", "")))
    rows += [(_("联系电话"), applicant.get("phone", "")), (_("电子邮箱"), applicant.get("email", "")),
             (_("地址"), applicant.get("address", ""))]
    if applicant.get("has_agent"):
        rows.append((_("代理人"), f"{applicant.get('agent_name', '')}（{applicant.get('agent_phone', '')}）"))
    respondents = [
        [(_("类型"), kinds.get(r.get("kind"), "")), (_("姓名或名称"), r.get("name", "")),
         (_("证件号码"), r.get("identifier", "")), (_("地址"), r.get("address", "")),
         (_("联系电话"), r.get("phone", ""))]
        for r in data.get("respondents") or []
    ]
    rights = [
        [(_("权利类型"), _choice_label(IPRightKind.choices, r.get("kind"))), (_("号码"), r.get("number", "")),
         (_("名称"), r.get("title", "")), (_("权利人"), r.get("holder", ""))]
        for r in data.get("rights") or []
    ]
    industry = Industry.objects.filter(pk=dispute.get("industry")).first() if dispute.get("industry") else None
    dispute_rows = [
        (_("纠纷类型"), _choice_label(DisputeType.choices, dispute.get("dispute_type"))),
        (_("行业"), industry.name if industry else ""),
        (_("事实与理由"), dispute.get("facts", "")),
        (_("请求事项"), drafts.compose_claims(dispute)),
        (_("标的额（元）"), dispute.get("amount_in_dispute") or ""),
        (_("知道权利受侵害的日期"), dispute.get("knowledge_date") or ""),
        (_("是否已起诉到法院"), _choice_label(COURT_INVOLVED_CHOICES, dispute.get("court_involved"))),
        (_("希望的解决方式"), _choice_label(ROUTE_CHOICES, dispute.get("preferred_route"))),
    ]
    return {
        "applicant_rows": rows, "respondents": respondents, "rights": rights, "dispute_rows": dispute_rows,
        "attachments": list(draft.attachments.order_by("uploaded_at", "pk")),
    }


def _review_step(request, draft):
    form = ReviewForm(request.POST if request.method == "POST" else None)
    problems = review_problems(draft)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and not problems:
            try:
                case = drafts.draft_submit(draft=draft, actor=request.user, ip_address=_client_ip(request))
            except drafts.DraftSubmitError as exc:
                problems = exc.problems
            except ValidationError as exc:
                problems = [drafts.DraftProblem("review", m) for m in exc.messages]
            else:
                return redirect("intake:submitted", case_id=case.pk)
    elif draft.step != "review":
        drafts.draft_set_step(draft=draft, step="review")
    grouped = {}
    for problem in problems:
        grouped.setdefault(problem.step, []).append(problem.message)
    problem_groups = [
        {"step": s, "label": drafts.STEP_LABELS.get(s, ""), "messages": grouped[s],
         "url": reverse("intake:complaint_step", args=[draft.pk, s]) + "?from=review" if s in drafts.STEPS else ""}
        for s in [*drafts.STEPS, *[k for k in grouped if k not in drafts.STEPS]] if s in grouped
    ]
    return _render_step(request, draft, "review", {
        "form": form, "problem_groups": problem_groups, **_summary(draft),
    }, status=status)


# -- after submission -------------------------------------------------------------------------


@never_cache
@login_required
def submitted(request, case_id):
    case = access_case(request.user, case_id)
    deadline = drafts.triage_deadline(case)
    notices = list(
        Notification.objects.filter(idempotency_key__startswith=f"complaint-submitted-{case.pk}:", user=request.user)
        .order_by("channel")
    )
    sent = []
    for n in notices:
        if n.channel == Notification.Channel.IN_APP:
            sent.append(_("站内消息"))
        elif n.channel == Notification.Channel.SMS:
            sent.append(_("短信（%(phone)s）") % {"phone": mask_phone(n.address)})
        else:
            sent.append(_("电子邮件（%(email)s）") % {"email": n.address})
    return render(request, "intake/submitted.html", {
        "case": case, "deadline": deadline, "sent": sent,
        "route_label": dict(Route.choices).get(case.preferred_route, ""),
    })


@never_cache
@login_required
def notices(request):
    """The user's in-app notices, newest first; the ones shown are marked read."""
    qs = Notification.objects.filter(user=request.user, channel=Notification.Channel.IN_APP).select_related("case")
    page = keyset_page(qs, NOTICE_KEYS, request.GET, size=20)
    items = list(page.object_list)
    unread_ids = [n.pk for n in items if n.read_at is None]
    response = render(request, "intake/notices.html", {
        "page": page, "items": [(n, n.pk in unread_ids) for n in items],
        "unread_total": drafts.unread_notice_count(request.user),
    })
    if unread_ids:
        drafts.notices_mark_read(user=request.user, ids=unread_ids)
    return response
