"""Thin views: the survey page behind a signed link (no login), and a handler's own aggregate."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cases.permissions import require_role
from cases.surveys.forms import SurveyForm
from cases.surveys.links import invitation_from_token
from cases.surveys.models import SurveyInvitation
from cases.surveys.selectors import HANDLER_ROLES, staff_satisfaction
from cases.surveys.services import SurveyError, survey_answer


def _page(request, template, invitation=None, *, status=200, **context):
    return render(request, template, {"invitation": invitation, **context}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token):
    """满意度评价: five 1-5 scores, would-recommend, a comment. One answer per invitation."""
    invitation = invitation_from_token(token)
    if invitation is None:
        return _page(request, "surveys/invalid.html", status=404)
    if invitation.state == SurveyInvitation.State.ANSWERED:
        return _page(request, "surveys/done.html", invitation, status=409 if request.method == "POST" else 200,
                     repeated=request.method == "POST")
    if invitation.is_expired():
        return _page(request, "surveys/expired.html", invitation, status=404)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            # No actor, no address: the timeline says that a party answered, never who.
            survey_answer(invitation=invitation, answers=form.cleaned_data)
        except SurveyError as exc:
            if exc.code == "expired":
                return _page(request, "surveys/expired.html", invitation, status=404)
            return _page(request, "surveys/done.html", invitation, status=409, repeated=True)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("surveys:answer", token=token)
    status = 400 if request.method == "POST" else 200
    return _page(request, "surveys/answer.html", invitation, status=status, form=form)


@never_cache
@login_required
def mine(request):
    """我的评价: a mediator's or officer's own satisfaction, once enough parties have answered."""
    require_role(request.user, *HANDLER_ROLES)
    return render(request, "surveys/mine.html", {"result": staff_satisfaction(request.user)})
