"""REST API v1 of 快调: queues and board, assignment and claims, recusal, sessions, the agreement
(including the parties' password-checked confirmation), extensions and the follow-up.

Like the pages: every read goes through ``mediation.permissions`` / ``cases.permissions``, every
write through ``mediation.services``. Answers: 403 for a wrong role (or not the case's
mediator / not a party), 404 for a case the user cannot see, 400 for field errors, 409 with a
Chinese ``detail`` when the state does not allow the action, 429 while a confirmation is locked.
The moves between tiers (termination, judicial confirmation, court delegation) are in
``workflows.api_mediation``.
"""
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from cases.api import ApiMixin, ApiView, Conflict, check_id, client_ip, validated
from cases.models import Case, Deadline, Role
from cases.pagination import KeysetPagination
from cases.permissions import access_case, require_role
from cases.serializers import error_responses
from mediation import matching, selectors, services
from mediation import serializers as s
from mediation.models import (
    CourtDelegation,
    MediationAgreement,
    MediationAssignment,
    MediationExtension,
    MediationSession,
    RecusalRequest,
)
from mediation.permissions import (
    DIRECTOR_ROLES,
    STAFF_ROLES,
    access_extension,
    access_recusal,
    access_session,
    access_staff_case,
    directs,
    handles,
)
from mediation.services.common import MEDIATION_DEADLINE_KINDS, party_for_user

FORBIDDEN_CODES = {"not_mediator", "not_party"}
CONFLICT_CODES = {"not_eligible", "conflict_state"}


class Locked(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked"

    def __init__(self, detail):
        super().__init__({"detail": detail, "code": self.default_code})


def run(call):
    """Call a service; turn "not yours" into 403, a lock into 429, the rest as the API does."""
    try:
        return call()
    except services.ConfirmationLocked as exc:
        raise Locked(" ".join(exc.messages)) from None
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            codes = {e.code for e in exc.error_list}
            if codes & FORBIDDEN_CODES:
                raise exceptions.PermissionDenied(" ".join(exc.messages)) from None
            if codes & CONFLICT_CODES:
                raise Conflict(" ".join(exc.messages), "status") from None
        raise


def mediation_state(case) -> dict:
    """The body of ``MediationStateSerializer`` for ``case``."""
    case = Case.objects.select_related("organization").get(pk=case.pk)
    agreement = (MediationAgreement.objects.filter(case_id=case.pk).exclude(status="void")
                 .select_related("draft_document").first())
    return s.MediationStateSerializer({
        "case": case,
        "steps": selectors.current_steps([case.pk]).get(case.pk, []),
        "assignment": MediationAssignment.objects.filter(case_id=case.pk).select_related("mediator")
        .order_by("-created_at", "-id").first(),
        "sessions": list(MediationSession.objects.filter(case_id=case.pk).order_by("sequence")),
        "agreement": agreement,
        "deadlines": list(Deadline.objects.filter(case_id=case.pk, kind__in=MEDIATION_DEADLINE_KINDS)
                          .order_by("due_date")),
        "recusals": list(RecusalRequest.objects.filter(case_id=case.pk)),
        "extensions": list(MediationExtension.objects.filter(case_id=case.pk)),
        "delegation": CourtDelegation.objects.filter(case_id=case.pk).select_related("case__organization").first(),
    }).data


def _state(case):
    return Response(mediation_state(case))


def _staff_case(user, case_id, **kwargs):
    return access_staff_case(user, check_id(case_id), **kwargs)


def _handler_case(user, case_id):
    case = _staff_case(user, case_id)
    if not (handles(user, case) or directs(user, case)):
        raise PermissionDenied
    return case


def _party_case(user, case_id):
    case = access_case(user, check_id(case_id))
    if party_for_user(case, user) is None:
        raise PermissionDenied
    return case


STATE_RESPONSES = {200: s.MediationStateSerializer, **error_responses(400, 401, 403, 404, 409)}


def _doc(operation_id, summary, description, request=None, responses=None, tags=("mediation",)):
    return extend_schema(operation_id=operation_id, tags=list(tags), summary=summary, description=description,
                         request=request, responses=responses or STATE_RESPONSES)


# -- lists ---------------------------------------------------------------------------------------


class MyCasesView(ApiMixin, ListAPIView):
    serializer_class = s.MediationCaseItemSerializer
    pagination_class = KeysetPagination
    keyset = selectors.MY_CASES_KEYS

    @_doc("mediation_my_cases", "我的调解案件",
          "当前调解员承办、待答复指派或待回访的案件，下一期限和下一次调解会议最近的在前。仅限调解员。",
          responses={200: s.MediationCaseItemSerializer(many=True), **error_responses(400, 401, 403, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        require_role(self.request.user, Role.MEDIATOR)
        return selectors.my_cases(self.request.user).select_related("organization")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = getattr(self, "_page_ids", None)
        context["steps"] = selectors.current_steps(page) if page else {}
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._page_ids = [c.pk for c in page] if page is not None else None
        return page


class QueueView(MyCasesView):
    @_doc("mediation_queue", "待指派队列",
          "本调委会被申请人已同意调解、尚未确定调解员的案件，调解期限最近的在前。调解员可认领。",
          responses={200: s.MediationCaseItemSerializer(many=True), **error_responses(400, 401, 403, 404)})
    def get(self, request, *args, **kwargs):
        return ListAPIView.get(self, request, *args, **kwargs)

    keyset = selectors.QUEUE_KEYS

    def get_queryset(self):
        require_role(self.request.user, *STAFF_ROLES)
        return selectors.committee_queue(self.request.user).select_related("organization")


class BoardView(ApiView):
    @_doc("mediation_board", "调委会工作台",
          "待指派案件、待答复的指派、各调解员工作量、逾期事项、待决定的回避和延长、待盖章的协议。仅限调委会主任。",
          responses={200: s.BoardSerializer, **error_responses(401, 403)})
    def get(self, request):
        require_role(request.user, *DIRECTOR_ROLES)
        return Response(s.BoardSerializer(selectors.director_board(request.user)).data)


class StateView(ApiView):
    @_doc("mediation_state", "案件的调解情况",
          "调解员、调解会议、调解协议及各方确认、期限、回避和延长、流程中的当前环节。承办人员和当事人可查看。",
          responses={200: s.MediationStateSerializer, **error_responses(401, 404)})
    def get(self, request, case_id):
        case = access_case(request.user, check_id(case_id))
        return _state(case)


class CandidatesView(ApiView):
    @_doc("mediation_candidates", "推荐的调解员",
          "按行业专长、知识产权类型和在办案件数排序；有利益冲突（曾代理或对立于当事人、申报的关系、是当事人）的"
          "调解员标为排除并列明原因。仅限调委会主任。",
          responses={200: s.CandidateSerializer(many=True), **error_responses(401, 403, 404)})
    def get(self, request, case_id):
        case = _staff_case(request.user, case_id, director=True)
        return Response(s.CandidateSerializer(matching.candidates(case), many=True).data)


# -- assignment ----------------------------------------------------------------------------------


class AssignView(ApiView):
    @_doc("mediation_assign", "指派调解员", "调委会主任指派（或改派）调解员，调解员须在3个工作日内答复。",
          request=s.AssignSerializer)
    def post(self, request, case_id):
        case = _staff_case(request.user, case_id, perm="change_case", director=True)
        data = validated(s.AssignSerializer, request.data).validated_data
        mediator = matching.committee_mediators_of(case.organization_id).filter(pk=data["mediator"]).first()
        if mediator is None:
            raise exceptions.ValidationError({"mediator": [_("该用户不是本调委会的调解员。")]})
        run(lambda: services.mediation_assign(actor=request.user, case=case, mediator=mediator, note=data["note"]))
        return _state(case)


class ClaimView(ApiView):
    @_doc("mediation_claim", "认领案件",
          "调解员从待指派队列认领案件并承办（须作回避声明）。两名调解员同时认领时只有一人成功，另一人得到409。",
          request=s.DisclosureSerializer)
    def post(self, request, case_id):
        require_role(request.user, Role.MEDIATOR)
        case = _staff_case(request.user, case_id, perm="change_case")
        data = validated(s.DisclosureSerializer, request.data).validated_data
        run(lambda: services.mediation_claim(actor=request.user, case=case, conflict=data["conflict"],
                                             statement=data["statement"]))
        return _state(case)


class AcceptView(ApiView):
    @_doc("mediation_accept", "接受指派", "被指派的调解员接受指派并作回避声明；披露情况的，由主任决定是否回避。",
          request=s.DisclosureSerializer)
    def post(self, request, case_id):
        require_role(request.user, Role.MEDIATOR)
        case = _staff_case(request.user, case_id)
        data = validated(s.DisclosureSerializer, request.data).validated_data
        run(lambda: services.mediation_assignment_accept(actor=request.user, case=case, conflict=data["conflict"],
                                                         statement=data["statement"]))
        return _state(case)


class DeclineView(ApiView):
    @_doc("mediation_decline", "谢绝指派", "被指派的调解员谢绝并说明理由，案件回到主任重新指派。",
          request=s.ReasonSerializer)
    def post(self, request, case_id):
        require_role(request.user, Role.MEDIATOR)
        case = _staff_case(request.user, case_id)
        data = validated(s.ReasonSerializer, request.data).validated_data
        run(lambda: services.mediation_assignment_decline(actor=request.user, case=case, reason=data["reason"]))
        return _state(case)


class ReleaseView(ApiView):
    @_doc("mediation_release", "退回案件", "承办调解员退回案件，案件回到待指派队列。", request=s.ReasonSerializer)
    def post(self, request, case_id):
        case = _handler_case(request.user, case_id)
        data = validated(s.ReasonSerializer, request.data).validated_data
        run(lambda: services.mediation_release(actor=request.user, case=case, reason=data["reason"]))
        return _state(case)


# -- recusal -------------------------------------------------------------------------------------


class RecusalCreateView(ApiView):
    @_doc("mediation_recusal_create", "申请调解员回避", "本案当事人（或其代理人）说明事由申请调解员回避，由主任决定。",
          request=s.RecusalCreateSerializer,
          responses={201: s.MediationStateSerializer, **error_responses(400, 401, 403, 404, 409)})
    def post(self, request, case_id):
        case = _party_case(request.user, case_id)
        data = validated(s.RecusalCreateSerializer, request.data).validated_data
        run(lambda: services.recusal_request(actor=request.user, case=case, ground=data["ground"],
                                             reasons=data["reasons"], ip_address=client_ip(request)))
        return Response(mediation_state(case), status=status.HTTP_201_CREATED)


class RecusalDecideView(ApiView):
    @_doc("mediation_recusal_decide", "决定是否回避", "调委会主任准予回避（调解员退出，另行指派）或驳回。",
          request=s.DecisionSerializer)
    def post(self, request, request_id):
        recusal = access_recusal(request.user, check_id(request_id))
        data = validated(s.DecisionSerializer, request.data).validated_data
        run(lambda: services.recusal_decide(actor=request.user, request=recusal, grant=data["approve"],
                                            note=data["note"]))
        return _state(recusal.case)


# -- sessions ------------------------------------------------------------------------------------


def _session(user, session_id):
    session = access_session(user, check_id(session_id))
    if not (handles(user, session.case) or directs(user, session.case)):
        raise PermissionDenied
    return session


class SessionCreateView(ApiView):
    @_doc("mediation_session_create", "安排调解会议",
          "线上（会议链接）或现场（地点）；生成调解会议通知书，向各方当事人发送通知和日历邀请（.ics）。",
          request=s.SessionCreateSerializer,
          responses={201: s.MediationStateSerializer, **error_responses(400, 401, 403, 404, 409)})
    def post(self, request, case_id):
        case = _handler_case(request.user, case_id)
        data = validated(s.SessionCreateSerializer, request.data).validated_data
        run(lambda: services.session_schedule(actor=request.user, case=case, **data))
        return Response(mediation_state(case), status=status.HTTP_201_CREATED)


class SessionRescheduleView(ApiView):
    @_doc("mediation_session_reschedule", "调解会议改期", "改期并重新通知；日历邀请的 SEQUENCE 增加。",
          request=s.SessionRescheduleSerializer)
    def post(self, request, session_id):
        session = _session(request.user, session_id)
        data = dict(validated(s.SessionRescheduleSerializer, request.data).validated_data)
        reason = data.pop("reason")
        run(lambda: services.session_reschedule(actor=request.user, session=session, reason=reason, **data))
        return _state(session.case)


class SessionRecordView(ApiView):
    @_doc("mediation_session_record", "记录调解笔录", "到场人员、调解情况和下一步安排；会议当日起可以记录。",
          request=s.SessionRecordSerializer)
    def post(self, request, session_id):
        session = _session(request.user, session_id)
        data = validated(s.SessionRecordSerializer, request.data).validated_data
        run(lambda: services.session_record(actor=request.user, session=session, attendees=data["attendees"],
                                            summary=data["summary"], next_steps=data["next_steps"]))
        return _state(session.case)


class SessionMissedView(ApiView):
    @_doc("mediation_session_missed", "会议未能举行", "记录调解会议未能举行及原因，并通知当事人。",
          request=s.ReasonSerializer)
    def post(self, request, session_id):
        session = _session(request.user, session_id)
        data = validated(s.ReasonSerializer, request.data).validated_data
        run(lambda: services.session_mark_missed(actor=request.user, session=session, reason=data["reason"]))
        return _state(session.case)


class SessionCancelView(ApiView):
    @_doc("mediation_session_cancel", "取消调解会议", "取消并通知当事人（日历邀请随之取消）。",
          request=s.ReasonSerializer)
    def post(self, request, session_id):
        session = _session(request.user, session_id)
        data = validated(s.ReasonSerializer, request.data).validated_data
        run(lambda: services.session_cancel(actor=request.user, session=session, reason=data["reason"]))
        return _state(session.case)


# -- the agreement -------------------------------------------------------------------------------


class AgreementView(ApiView):
    @_doc("mediation_agreement_save", "草拟或修改调解协议",
          "承办调解员保存协议草稿（纠纷事实、协议内容、履行方式和期限）。已发出确认稿的，修改将撤回确认稿。",
          request=s.AgreementInSerializer)
    def post(self, request, case_id):
        case = _handler_case(request.user, case_id)
        data = validated(s.AgreementInSerializer, request.data).validated_data
        run(lambda: services.agreement_save(actor=request.user, case=case, **data))
        return _state(case)


class AgreementIssueView(ApiView):
    @_doc("mediation_agreement_issue", "发送协议确认稿", "生成调解协议书确认稿（PDF，记录哈希），请各方当事人确认。",
          request=s.IntentSerializer)
    def post(self, request, case_id):
        case = _handler_case(request.user, case_id)
        validated(s.IntentSerializer, request.data)
        run(lambda: services.agreement_issue(actor=request.user, case=case))
        return _state(case)


class AgreementConfirmView(ApiView):
    @_doc("mediation_agreement_confirm", "当事人确认调解协议",
          "当事人（或其代理人）再次输入登录密码确认确认稿；记录时间、IP地址和确认稿SHA-256。"
          "密码连续错误5次锁定30分钟（429）。",
          request=s.ConfirmSerializer,
          responses={200: s.MediationStateSerializer, 429: OpenApiResponse(description="确认已暂时锁定。"),
                     **error_responses(400, 401, 403, 404, 409)})
    def post(self, request, case_id):
        case = _party_case(request.user, case_id)
        data = validated(s.ConfirmSerializer, request.data).validated_data
        run(lambda: services.agreement_confirm(actor=request.user, case=case, password=data["password"],
                                               ip_address=client_ip(request)))
        return _state(case)


class AgreementSignatureView(ApiView):
    @_doc("mediation_agreement_signature", "记录现场签字", "当事人在调解员面前签署确认稿（无平台账号或未设置密码时）。",
          request=s.SignatureSerializer)
    def post(self, request, case_id):
        case = _handler_case(request.user, case_id)
        data = validated(s.SignatureSerializer, request.data).validated_data
        party = case.parties.filter(pk=data["party"]).first()
        run(lambda: services.agreement_record_signature(actor=request.user, case=case, party=party,
                                                        ip_address=client_ip(request)))
        return _state(case)


class AgreementSignView(ApiView):
    @_doc("mediation_agreement_sign", "调解员签名", "各方当事人确认后，承办调解员签名。", request=s.IntentSerializer)
    def post(self, request, case_id):
        case = _handler_case(request.user, case_id)
        validated(s.IntentSerializer, request.data)
        run(lambda: services.agreement_sign(actor=request.user, case=case))
        return _state(case)


class AgreementSealView(ApiView):
    @_doc("mediation_agreement_seal", "加盖调委会印章",
          "调委会主任盖章，协议生效：签发生效文本（PDF），向每方当事人送达一份。", request=s.IntentSerializer)
    def post(self, request, case_id):
        case = _staff_case(request.user, case_id, director=True)
        if not directs(request.user, case):
            raise PermissionDenied
        validated(s.IntentSerializer, request.data)
        run(lambda: services.agreement_seal(actor=request.user, case=case))
        return _state(case)


# -- extension, follow-up ------------------------------------------------------------------------


class ExtensionCreateView(ApiView):
    @_doc("mediation_extension_create", "申请延长调解期限", "经双方当事人同意，承办调解员申请延长，由主任审批。",
          request=s.ExtensionCreateSerializer,
          responses={201: s.MediationStateSerializer, **error_responses(400, 401, 403, 404, 409)})
    def post(self, request, case_id):
        case = _handler_case(request.user, case_id)
        data = validated(s.ExtensionCreateSerializer, request.data).validated_data
        run(lambda: services.extension_request(actor=request.user, case=case, **data))
        return Response(mediation_state(case), status=status.HTTP_201_CREATED)


class ExtensionDecideView(ApiView):
    @_doc("mediation_extension_decide", "审批延长调解期限", "调委会主任批准（期限顺延）或不批准。",
          request=s.DecisionSerializer)
    def post(self, request, extension_id):
        extension = access_extension(request.user, check_id(extension_id))
        data = validated(s.DecisionSerializer, request.data).validated_data
        run(lambda: services.extension_decide(actor=request.user, extension=extension, approve=data["approve"],
                                              note=data["note"]))
        return _state(extension.case)


class FollowUpView(ApiView):
    @_doc("mediation_follow_up", "履行回访", "记录调解协议的履行情况（已履行、部分履行、未履行）。",
          request=s.FollowUpSerializer)
    def post(self, request, case_id):
        case = _staff_case(request.user, case_id)
        data = validated(s.FollowUpSerializer, request.data).validated_data
        run(lambda: services.followup_record(actor=request.user, case=case, **data))
        return _state(case)


class DelegationListView(ApiView):
    @_doc("mediation_delegations_list", "委派调解的结果",
          "本巡回审判站委派、委托调解的案件及其调解结果（法院可读取）。仅限书记员和法官。",
          responses={200: s.DelegationSerializer(many=True), **error_responses(401, 403)}, tags=("tribunal",))
    def get(self, request):
        require_role(request.user, Role.TRIBUNAL_CLERK, Role.JUDGE)
        station = request.user.organization
        if station is None:
            raise Http404
        rows = selectors.station_delegations(station).select_related("case__organization")[:200]
        return Response(s.DelegationSerializer(rows, many=True).data)
