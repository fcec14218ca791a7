"""REST API v1 for moving cases along the chain: the intake clerk's triage, the applicant's
answers, the respondent's consent. Every write calls ``workflows.router`` or the intake
services (which record the CaseEvents); every read goes through ``cases.permissions``.

Answers: 403 for a wrong role, 404 for a case the user cannot see, 400 for field errors,
409 with a Chinese ``detail`` when the case's status does not allow the action.
"""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from cases.api import ApiMixin, ApiView, Conflict, check_id, validated
from cases.intake import services as intake
from cases.intake.selectors import intake_queue
from cases.models import CaseStatus, Party, Role
from cases.pagination import Keyset, KeysetPagination
from cases.permissions import access_case, require_role, visible_cases
from cases.serializers import CaseSummarySerializer, error_responses
from mediation.models import MediationConsent
from workflows import router
from workflows import serializers as s

INTAKE_ROLES = (Role.INTAKE_CLERK,)


def _summary(case):
    case.refresh_from_db()
    return CaseSummarySerializer(case).data


def _clerk_case(user, case_id):
    """A case for the intake clerk to decide, as on the triage page: 403 for a wrong role,
    404 for a case the user cannot see, 403 for a case in intake that the clerk's
    organisation may not change. A case past intake goes on to the service, whose
    status check answers 409."""
    case = access_case(user, check_id(case_id), roles=INTAKE_ROLES)
    in_intake = case.status in (CaseStatus.SUBMITTED, CaseStatus.SUPPLEMENT_REQUESTED)
    if in_intake and not visible_cases(user, "change_case").filter(pk=case.pk).exists():
        raise PermissionDenied
    return case


def _applicant_case(user, case_id):
    """A case in which ``user`` is an applicant (the same rule as the UI's withdrawal page)."""
    case = access_case(user, check_id(case_id))
    if not case.parties.filter(role=Party.PartyRole.APPLICANT, user_id=user.pk).exists():
        raise PermissionDenied
    return case


class IntakeQueueView(ApiMixin, ListAPIView):
    serializer_class = s.IntakeQueueItemSerializer
    pagination_class = KeysetPagination
    keyset = Keyset("status", "due_date", "submitted_at", "id")

    @extend_schema(
        operation_id="intake_queue_list", tags=["intake"], summary="受理队列",
        description="本机构待受理和待补正的申请，受理审查期限最近的在前。仅限受理员。",
        responses={200: s.IntakeQueueItemSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        require_role(self.request.user, *INTAKE_ROLES)
        return intake_queue(self.request.user)


class IntakeAcceptView(ApiView):
    @extend_schema(
        operation_id="intake_accept", tags=["intake"], summary="受理并分流",
        description="受理申请并转入调解（默认）、行政裁决（限专利侵权纠纷）或移送法院；签发受理通知书。",
        request=s.IntakeAcceptSerializer,
        responses={200: s.IntakeDecisionResultSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id):
        case = _clerk_case(request.user, case_id)
        data = validated(s.IntakeAcceptSerializer, request.data).validated_data
        decision = router.accept_complaint(actor=request.user, case=case, route=data["route"], note=data["note"])
        return Response({"decision_id": decision.pk, "case": _summary(case)})


class IntakeSupplementView(ApiView):
    @extend_schema(
        operation_id="intake_supplement", tags=["intake"], summary="要求补正",
        description="一次列明全部需要补正的材料；受理审查期限中止，申请人须在10日内补正。",
        request=s.IntakeSupplementSerializer,
        responses={200: s.IntakeDecisionResultSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id):
        case = _clerk_case(request.user, case_id)
        data = validated(s.IntakeSupplementSerializer, request.data).validated_data
        decision = intake.intake_request_supplement(actor=request.user, case=case, items=data["items"],
                                                    note=data["note"])
        return Response({"decision_id": decision.pk, "case": _summary(case)})


class IntakeRefuseView(ApiView):
    @extend_schema(
        operation_id="intake_refuse", tags=["intake"], summary="不予受理",
        description="按法定理由不予受理，签发不予受理通知书。",
        request=s.IntakeRefuseSerializer,
        responses={200: s.IntakeDecisionResultSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id):
        case = _clerk_case(request.user, case_id)
        data = validated(s.IntakeRefuseSerializer, request.data).validated_data
        decision = intake.intake_refuse(actor=request.user, case=case, grounds=data["grounds"],
                                        reason_text=data["reason_text"])
        return Response({"decision_id": decision.pk, "case": _summary(case)})


class SupplementAnswerView(ApiView):
    @extend_schema(
        operation_id="cases_supplement_answer", tags=["complaints"], summary="答复补正",
        description="申请人补正后提交说明，案件回到受理审查，期限恢复计算。",
        request=s.SupplementAnswerSerializer,
        responses={200: CaseSummarySerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id):
        case = _applicant_case(request.user, case_id)
        data = validated(s.SupplementAnswerSerializer, request.data).validated_data
        intake.intake_answer_supplement(actor=request.user, case=case, answer_text=data["answer_text"])
        return Response(_summary(case))


class WithdrawView(ApiView):
    @extend_schema(
        operation_id="cases_withdraw", tags=["complaints"], summary="撤回申请",
        description="申请人在任何环节撤回申请，案件结束，全部期限停止。",
        request=s.WithdrawSerializer,
        responses={200: CaseSummarySerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id):
        case = _applicant_case(request.user, case_id)
        data = validated(s.WithdrawSerializer, request.data).validated_data
        router.withdraw(actor=request.user, case=case, reason=data["reason"])
        return Response(_summary(case))


class NextRouteView(ApiView):
    @extend_schema(
        operation_id="cases_next_route", tags=["complaints"], summary="调解不成后选择后续程序",
        description="调解终止后，申请人可请求行政裁决（限专利侵权纠纷）或移送法院。",
        request=s.NextRouteSerializer,
        responses={200: CaseSummarySerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id):
        case = _applicant_case(request.user, case_id)
        data = validated(s.NextRouteSerializer, request.data).validated_data
        if case.status != CaseStatus.MEDIATION_TERMINATED:
            raise Conflict(_("案件当前状态为“%(status)s”，只有调解终止后才能选择后续程序。") % {
                "status": case.get_status_display()})
        router.continue_after_mediation(actor=request.user, case=case, route=data["route"])
        return Response(_summary(case))


class ConsentView(ApiView):
    @extend_schema(
        operation_id="cases_consent", tags=["respondents"], summary="答复是否同意调解",
        description="本案被申请人本人答复调解邀请；不同意调解的须说明理由，调解随即终止。",
        request=s.ConsentSerializer,
        responses={200: s.ConsentResultSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id):
        case = access_case(request.user, check_id(case_id))
        party = case.parties.filter(role=Party.PartyRole.RESPONDENT, user_id=request.user.pk).first()
        if party is None:
            raise PermissionDenied
        data = validated(s.ConsentSerializer, request.data).validated_data
        consent = MediationConsent.objects.filter(case=case, party=party).first()
        if consent is None:
            raise Conflict(_("本案目前没有需要您答复的调解邀请。"))
        state = router.answer_mediation_invitation(
            actor=request.user, consent=consent, agreed=data["agreed"], reason=data["reason"],
            channel=MediationConsent.Channel.API,
        )
        return Response({"state": state, "case": _summary(case)})
