"""REST API v1 of 速裁: every action of the tier, with the same checks and services as the pages.

Answers, as in the rest of the API (``cases.api``): 403 for a role that may not act, 404 for a
case the user cannot see (or one that never entered the tier), 400 with field errors, 409 with a
Chinese ``detail`` when the case's state does not allow the action. Every action answers the
adjudication's state as the actor may see it (``AdjudicationSerializer``).
"""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from cases.adjudication import permissions as perm
from cases.adjudication import selectors
from cases.adjudication import serializers as sz
from cases.adjudication import services as s
from cases.adjudication.models import (
    Answer,
    Decision,
    Hearing,
    PanelMember,
    Recusal,
    SuspensionRequest,
    TechnicalQuestion,
)
from cases.api import ApiView, Conflict, check_id, client_ip, validated
from cases.documents.models import Document
from cases.documents.models import Service as ServiceRecord
from cases.downloads import protected_file_response
from cases.models import Evidence, Party
from cases.serializers import error_responses
from cases.upload_names import MultiPartParser
from cases.uploads import UploadRejected

TAGS = ["adjudication"]
WRITE_ERRORS = (400, 401, 403, 404, 409)


def state(user, adj) -> dict:
    """The adjudication as ``user`` may see it (staff: everything; a party: what concerns the parties)."""
    adj.case.refresh_from_db()
    ws = selectors.workspace(user, adj)
    roles = ws.roles
    staff = roles["officer"] or roles["panel"] or roles["admin"]
    decision = ws.decision if staff or (ws.decision and ws.decision.state == Decision.State.ISSUED) else None
    me = roles["party"]
    return {
        "adj": adj, "steps": ws.steps if staff else [], "deadlines": ws.deadlines,
        "panel": ws.panel if not staff else ws.panel + ws.former_panel,
        "reviews": ws.reviews if staff else [],
        "recusals": ws.recusals if staff else [r for r in ws.recusals if me is not None and r.party_id == me.pk],
        "answers": ws.answers, "questions": ws.questions, "hearings": ws.hearings,
        "suspensions": ws.suspensions, "extensions": ws.extensions if staff else [],
        "mediations": ws.mediations, "decision": decision, "documents": ws.documents, "evidence": ws.evidence,
    }


def answer(user, adj, code=status.HTTP_200_OK):
    return Response(sz.AdjudicationSerializer(state(user, adj)).data, status=code)


def _staff(request, case_id, check):
    """The adjudication for an office staff action: 403 for a wrong role, 404 when invisible, 403 when
    ``check(user, adj)`` says this staff member may not take this action."""
    adj = perm.access_adjudication(request.user, check_id(case_id), change=True)
    if not check(request.user, adj):
        raise PermissionDenied
    return adj


def _officer(request, case_id):
    return _staff(request, case_id, lambda u, a: perm.is_officer(u, a) or perm.is_panel_member(u, a))


def _chief(request, case_id):
    return _staff(request, case_id, perm.is_chief)


def _panel(request, case_id):
    return _staff(request, case_id, lambda u, a: perm.is_panel_member(u, a) or perm.is_chief(u, a))


def _row(model, pk, **filters):
    row = model.objects.filter(pk=pk, **filters).first() if pk > 0 else None
    if row is None:
        raise Http404
    return row


def _party_field(adj, pk, *roles):
    party = Party.objects.filter(pk=pk, case=adj.case, role__in=roles).first() if pk else None
    if party is None:
        raise exceptions.ValidationError({"party": [_("请选择本案的当事人。")]})
    return party


def schema(operation_id, summary, description, request=None, codes=WRITE_ERRORS, response=sz.AdjudicationSerializer):
    """The OpenAPI description of a POST action."""
    return extend_schema_view(post=extend_schema(
        operation_id=operation_id, tags=TAGS, summary=summary, description=description,
        request=request or sz.AdjEmptySerializer, responses={200: response, **error_responses(*codes)},
    ))


# -- reading -------------------------------------------------------------------------------------


class QueueView(ApiView):
    @extend_schema(
        operation_id="adjudication_queue", tags=TAGS, summary="速裁工作队列",
        description=("按角色返回：办案人员的待立案审查和“我的案件”（按最近法定期限排列），负责人的待审批事项"
                     "（立案、合议组、延长期限、中止、回避、裁决书）和逾期案件，技术调查官待出具的意见。"),
        responses={200: sz.AdjQueueSerializer, **error_responses(401, 403)},
    )
    def get(self, request):
        user = request.user
        perm.require(user.has_role(perm.OFFICER, perm.CHIEF, perm.INVESTIGATOR) or perm.is_admin(user))
        data = {}
        if user.has_role(perm.OFFICER) or perm.is_admin(user):
            q = selectors.officer_queue(user)
            data["review"] = selectors.with_steps(q["review"][:100])
            data["mine"] = selectors.with_steps(q["mine"][:100])
        if user.has_role(perm.CHIEF) or perm.is_admin(user):
            q = selectors.chief_queue(user)
            data["approvals"] = selectors.chief_steps(q["approvals"][:100])
            data["overdue"] = selectors.with_steps(q["overdue"][:100])
        if user.has_role(perm.INVESTIGATOR):
            data["questions"] = list(selectors.investigator_queue(user)[:100])
        return Response(sz.AdjQueueSerializer(data).data)


class DetailView(ApiView):
    @extend_schema(
        operation_id="adjudication_retrieve", tags=TAGS, summary="行政裁决案件详情",
        description=("办案人员看到全部办理情况（含下一步待办、审查记录、技术调查）；当事人看到与当事人有关的部分，"
                     "对方设为仅合议组可见的证据不会出现。"),
        responses={200: sz.AdjudicationSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, case_id):
        user = request.user
        if user.has_role(*perm.STAFF_ROLES) or perm.is_admin(user):
            adj = perm.access_adjudication(user, check_id(case_id))
        elif user.has_role(*perm.PARTY_ROLES) or not user.has_role(perm.INVESTIGATOR):
            adj, _me = perm.access_as_party(user, check_id(case_id))
        else:
            raise PermissionDenied  # an investigator sees the questions put to it, not the case
        return answer(user, adj)


# -- filing and the panel ------------------------------------------------------------------------


@schema("adjudication_review", "立案审查", "办案人员逐项审查受理条件，提出立案或不予受理的意见，报负责人审批。",
        sz.AdjReviewSerializer)
class ReviewView(ApiView):
    def post(self, request, case_id):
        adj = _staff(request, case_id, perm.is_officer)
        data = validated(sz.AdjReviewSerializer, request.data).validated_data
        s.adjudication_review(actor=request.user, case=adj.case, checks=data["checks"], proposal=data["proposal"],
                              reason_text=data["reason_text"])
        return answer(request.user, adj)


@schema("adjudication_filing_decision", "审批立案", "负责人批准立案（编立案号、签发立案通知书）"
    "或不予受理（签发不予受理通知书），"
        "或退回重新审查。", sz.AdjApprovalSerializer)
class FilingDecisionView(ApiView):
    def post(self, request, case_id):
        adj = _chief(request, case_id)
        data = validated(sz.AdjApprovalSerializer, request.data).validated_data
        s.adjudication_decide_filing(actor=request.user, case=adj.case, approve=data["approve"], note=data["note"])
        return answer(request.user, adj)


@schema("adjudication_panel", "指定合议组", "负责人指定三人以上单数的办案人员组成合议组，"
    "并指定组长。", sz.AdjPanelSerializer)
class PanelView(ApiView):
    def post(self, request, case_id):
        from django.contrib.auth import get_user_model

        adj = _chief(request, case_id)
        data = validated(sz.AdjPanelSerializer, request.data).validated_data
        users = {u.pk: u for u in get_user_model().objects.filter(pk__in=[*data["members"], data["presiding"]])}
        members = [users[pk] for pk in data["members"] if pk in users]
        if len(members) != len(set(data["members"])):
            raise exceptions.ValidationError({"members": [_("合议组成员应为本机关的办案人员。")]})
        s.adjudication_appoint_panel(actor=request.user, case=adj.case, members=members,
                                     presiding=users.get(data["presiding"]))
        return answer(request.user, adj)


@schema("adjudication_recusal_raise", "提出回避", "合议组成员自行回避，或当事人申请成员回避并说明理由；由负责人决定。",
        sz.AdjRecusalRaiseSerializer)
class RecusalRaiseView(ApiView):
    def post(self, request, case_id):
        user = request.user
        # The case first: a case the user may not see is a 404 before its body is even read.
        if user.has_role(*perm.STAFF_ROLES):
            adj, party, kind = perm.access_adjudication(user, check_id(case_id)), None, Recusal.Kind.DECLARATION
        else:
            (adj, party), kind = perm.access_as_party(user, check_id(case_id)), Recusal.Kind.REQUEST
        data = validated(sz.AdjRecusalRaiseSerializer, request.data).validated_data
        member = _row(PanelMember, data["member"], adjudication=adj)
        if kind == Recusal.Kind.DECLARATION and member.user_id != user.pk:
            raise PermissionDenied
        s.adjudication_raise_recusal(actor=user, case=adj.case, member=member, kind=kind, ground=data["ground"],
                                     reason=data["reason"], party=party)
        return answer(user, adj)


@schema("adjudication_recusal_decision", "决定回避", "负责人准予回避（成员退出合议组，须补足）或驳回申请。",
        sz.AdjRecusalDecisionSerializer)
class RecusalDecisionView(ApiView):
    def post(self, request, case_id, recusal_id):
        adj = _chief(request, case_id)
        recusal = _row(Recusal, check_id(recusal_id), adjudication=adj)
        data = validated(sz.AdjRecusalDecisionSerializer, request.data).validated_data
        s.adjudication_decide_recusal(actor=request.user, case=adj.case, recusal=recusal, granted=data["granted"],
                                      note=data["note"])
        return answer(request.user, adj)


# -- service and the answer ---------------------------------------------------------------------


@schema("adjudication_answer_notice", "送达答辩通知书", "生成答辩通知书（附请求书副本），"
    "并登记向尚未送达的每一被请求人送达。",
        sz.AdjServeRequestSerializer)
class AnswerNoticeView(ApiView):
    def post(self, request, case_id):
        adj = _officer(request, case_id)
        data = validated(sz.AdjServeRequestSerializer, request.data).validated_data
        notice = s.current_answer_notice(adj.case)
        served = set(ServiceRecord.objects.filter(document=notice).values_list("party_id", flat=True)) \
            if notice else set()
        todo = list(Party.objects.filter(case=adj.case, role=Party.PartyRole.RESPONDENT).exclude(pk__in=served))
        if not todo:
            raise Conflict(_("答辩通知书已送达全部被请求人。"))
        notice = s.adjudication_issue_answer_notice(actor=request.user, case=adj.case)
        for party in todo:
            s.adjudication_serve(actor=request.user, case=adj.case, document=notice, party=party,
                                 method=data["method"], sent_at=data["sent_at"], received_at=data["received_at"])
        return answer(request.user, adj)


@schema("adjudication_serve", "登记送达", "登记某一文书向某一当事人送达（方式、时间）；有签收时间的同时生成送达回证。",
        sz.AdjServeSerializer)
class ServeView(ApiView):
    def post(self, request, case_id):
        adj = _officer(request, case_id)
        data = validated(sz.AdjServeSerializer, request.data).validated_data
        document = Document.objects.filter(pk=data["document"], case=adj.case).first()
        party = Party.objects.filter(pk=data["party"], case=adj.case).first()
        s.adjudication_serve(actor=request.user, case=adj.case, document=document, party=party,
                             method=data["method"], sent_at=data["sent_at"], received_at=data["received_at"])
        return answer(request.user, adj)


@schema("adjudication_receipt", "确认签收", "确认受送达人已签收，生成送达回证。", sz.AdjReceiptSerializer)
class ReceiptView(ApiView):
    def post(self, request, case_id, service_id):
        adj = _officer(request, case_id)
        service = _row(ServiceRecord, check_id(service_id), document__case=adj.case)
        data = validated(sz.AdjReceiptSerializer, request.data).validated_data
        s.adjudication_confirm_receipt(actor=request.user, case=adj.case, service=service,
                                       received_at=data["received_at"], note=data["note"])
        return answer(request.user, adj)


@schema("adjudication_answer", "提交答辩", "被请求人本人提交答辩意见；办案人员登记书面答辩时须指明被请求人和收到时间。"
        "逾期答辩照常登记并标明，不影响审理。", sz.AdjAnswerSerializer, codes=(400, 401, 403, 404, 409))
class AnswerView(ApiView):
    def post(self, request, case_id):
        user = request.user
        if user.has_role(*perm.STAFF_ROLES):
            adj = _officer(request, case_id)
            data = validated(sz.AdjAnswerSerializer, request.data).validated_data
            party = _party_field(adj, data["party"], Party.PartyRole.RESPONDENT)
            s.adjudication_submit_answer(actor=user, case=adj.case, party=party, text=data["text"],
                                         channel=Answer.Channel.PAPER, received_at=data["received_at"])
        else:
            adj, party = perm.access_as_party(user, check_id(case_id))
            if party.role != Party.PartyRole.RESPONDENT:
                raise PermissionDenied
            data = validated(sz.AdjAnswerSerializer, request.data).validated_data
            s.adjudication_submit_answer(actor=user, case=adj.case, party=party, text=data["text"],
                                         channel=Answer.Channel.API)
        return answer(user, adj)


@schema("adjudication_answer_forward", "转送答辩书", "将答辩书副本转送请求人（"
    "生成送达通知并登记送达）。", sz.AdjForwardSerializer)
class ForwardView(ApiView):
    def post(self, request, case_id, answer_id):
        adj = _officer(request, case_id)
        item = _row(Answer, check_id(answer_id), adjudication=adj)
        data = validated(sz.AdjForwardSerializer, request.data).validated_data
        s.adjudication_forward_answer(actor=request.user, case=adj.case, answer=item, method=data["method"])
        return answer(request.user, adj)


# -- evidence ------------------------------------------------------------------------------------


class EvidenceView(ApiView):
    parser_classes = [MultiPartParser, FormParser]  # keeps hostile upload names (cases.upload_names)

    @extend_schema(
        operation_id="adjudication_evidence_create", tags=TAGS, summary="提交证据",
        description="当事人（或办案人员）提交证据，可设为仅合议组可见（须写明保密理由），对方当事人看不到。",
        request={"multipart/form-data": sz.AdjEvidenceUploadSerializer},
        responses={201: sz.AdjudicationSerializer, **error_responses(400, 401, 403, 404, 409, 415)},
    )
    def post(self, request, case_id):
        user = request.user
        if user.has_role(*perm.STAFF_ROLES):
            adj, party = _officer(request, case_id), None
        else:
            adj, party = perm.access_as_party(user, check_id(case_id))
        data = validated(sz.AdjEvidenceUploadSerializer, request.data).validated_data
        try:
            s.adjudication_add_evidence(actor=user, case=adj.case, uploaded_file=data["file"],
                                        description=data["description"], party=party,
                                        confidential=data["confidential"], reason=data["reason"],
                                        ip_address=client_ip(request))
        except UploadRejected as exc:
            raise exceptions.ValidationError({"file": [str(m) for m in exc.messages]})
        return answer(user, adj, status.HTTP_201_CREATED)


class EvidenceDownloadView(ApiView):
    def perform_content_negotiation(self, request, force=False):
        # Any Accept header may ask for a file; errors still answer in JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="adjudication_evidence_download", tags=TAGS, summary="下载证据",
        description="按证据交换的可见范围下载：对方当事人设为仅合议组可见的证据答复404。",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="证据文件。"),
                   **error_responses(401, 404)},
    )
    def get(self, request, case_id, evidence_id):
        _adj, item = perm.access_evidence(request.user, check_id(case_id), check_id(evidence_id))
        return protected_file_response(item.file, filename=item.original_name, content_type=item.content_type)


@schema("adjudication_evidence_visibility", "设置证据可见范围", "提交证据的当事人或办案人员设置：仅合议组可见，"
    "或双方可见。",
        sz.AdjVisibilitySerializer)
class VisibilityView(ApiView):
    def post(self, request, case_id, evidence_id):
        user = request.user
        if user.has_role(*perm.STAFF_ROLES):
            adj = _officer(request, case_id)
        else:
            adj, _me = perm.access_as_party(user, check_id(case_id))
        item = _row(Evidence, check_id(evidence_id), case=adj.case)
        data = validated(sz.AdjVisibilitySerializer, request.data).validated_data
        s.evidence_set_visibility(actor=user, case=adj.case, evidence=item, confidential=data["confidential"],
                                  reason=data["reason"])
        return answer(user, adj)


# -- technical investigation ---------------------------------------------------------------------


@schema("adjudication_question", "征询技术调查官", "合议组就技术问题征询技术调查官，附所需证据，期限按工作日计算。",
        sz.AdjQuestionSerializer)
class QuestionView(ApiView):
    def post(self, request, case_id):
        from django.contrib.auth import get_user_model

        adj = _panel(request, case_id)
        data = validated(sz.AdjQuestionSerializer, request.data).validated_data
        investigator = get_user_model().objects.filter(pk=data["investigator"]).first()
        s.adjudication_ask_technical(actor=request.user, case=adj.case, investigator=investigator,
                                     questions=data["questions"], evidence=data["evidence"],
                                     working_days=data["working_days"])
        return answer(request.user, adj)


class QuestionDetailView(ApiView):
    @extend_schema(
        operation_id="adjudication_question_retrieve", tags=TAGS, summary="技术调查详情",
        description="技术调查官查看向其提出的问题和所附证据（不含当事人身份证件号码和联系方式）。",
        responses={200: sz.AdjQuestionDetailSerializer, **error_responses(401, 404)},
    )
    def get(self, request, question_id):
        question = perm.access_question(request.user, check_id(question_id))
        return Response(sz.AdjQuestionDetailSerializer(question).data)


@schema("adjudication_opinion", "出具技术调查意见", "技术调查官出具书面意见，生成技术调查意见书（"
    "供合议组参考，不向当事人送达）。",
        sz.AdjOpinionSerializer, response=sz.AdjQuestionDetailSerializer)
class OpinionView(ApiView):
    def post(self, request, question_id):
        question = perm.access_question(request.user, check_id(question_id))
        if question.investigator_id != request.user.pk:
            raise PermissionDenied
        data = validated(sz.AdjOpinionSerializer, request.data).validated_data
        result = s.adjudication_give_opinion(actor=request.user, case=question.adjudication.case, question=question,
                                             opinion=data["opinion"])
        return Response(sz.AdjQuestionDetailSerializer(result).data)


@schema("adjudication_question_withdraw", "撤回技术调查", "合议组不再需要该意见时撤回征询。", sz.AdjReasonSerializer)
class QuestionWithdrawView(ApiView):
    def post(self, request, case_id, question_id):
        adj = _panel(request, case_id)
        question = _row(TechnicalQuestion, check_id(question_id), adjudication=adj)
        data = validated(sz.AdjReasonSerializer, request.data).validated_data
        s.adjudication_withdraw_question(actor=request.user, case=adj.case, question=question, reason=data["reason"])
        return answer(request.user, adj)


# -- hearings ------------------------------------------------------------------------------------


@schema("adjudication_hearing", "安排口头审理", "至少提前3个工作日，生成口头审理通知书。", sz.AdjHearingSerializer)
class HearingView(ApiView):
    def post(self, request, case_id):
        adj = _officer(request, case_id)
        data = validated(sz.AdjHearingSerializer, request.data).validated_data
        s.adjudication_schedule_hearing(actor=request.user, case=adj.case, scheduled_at=data["scheduled_at"],
                                        place=data["place"], mode=data["mode"])
        return answer(request.user, adj)


@schema("adjudication_hearing_record", "记录审理笔录", "口头审理后记录到庭人员和笔录。", sz.AdjHearingRecordSerializer)
class HearingRecordView(ApiView):
    def post(self, request, case_id, hearing_id):
        adj = _officer(request, case_id)
        hearing = _row(Hearing, check_id(hearing_id), adjudication=adj)
        data = validated(sz.AdjHearingRecordSerializer, request.data).validated_data
        s.adjudication_record_hearing(actor=request.user, case=adj.case, hearing=hearing,
                                      attendees=data["attendees"], record=data["record"])
        return answer(request.user, adj)


@schema("adjudication_hearing_adjourn", "延期审理", "延期口头审理；给出新的时间的，"
    "生成新的口头审理通知书。", sz.AdjournSerializer)
class HearingAdjournView(ApiView):
    def post(self, request, case_id, hearing_id):
        adj = _officer(request, case_id)
        hearing = _row(Hearing, check_id(hearing_id), adjudication=adj)
        data = validated(sz.AdjournSerializer, request.data).validated_data
        s.adjudication_adjourn_hearing(actor=request.user, case=adj.case, hearing=hearing, reason=data["reason"],
                                       scheduled_at=data["scheduled_at"], place=data["place"])
        return answer(request.user, adj)


# -- suspension, extension, mediation ------------------------------------------------------------


@schema("adjudication_suspension", "申请中止处理", "被请求人凭国家知识产权局的无效宣告请求受理通知书申请中止；"
    "办案人员代为登记时须指明被请求人。",
        sz.AdjSuspensionRequestSerializer)
class SuspensionView(ApiView):
    def post(self, request, case_id):
        user = request.user
        if user.has_role(*perm.STAFF_ROLES):
            adj = _officer(request, case_id)
            data = validated(sz.AdjSuspensionRequestSerializer, request.data).validated_data
            party = _party_field(adj, data["party"], Party.PartyRole.RESPONDENT)
        else:
            adj, party = perm.access_as_party(user, check_id(case_id))
            if party.role != Party.PartyRole.RESPONDENT:
                raise PermissionDenied
            data = validated(sz.AdjSuspensionRequestSerializer, request.data).validated_data
        s.adjudication_request_suspension(actor=user, case=adj.case, party=party,
                                          invalidation_number=data["invalidation_number"],
                                          invalidation_accepted_on=data["invalidation_accepted_on"],
                                          reason=data["reason"])
        return answer(user, adj)


@schema("adjudication_suspension_decision", "决定是否中止", "负责人决定中止（全部期限停止计算，"
    "签发中止处理通知书）或以理由明显不成立不予中止。",
        sz.AdjSuspensionDecisionSerializer)
class SuspensionDecisionView(ApiView):
    def post(self, request, case_id):
        adj = _chief(request, case_id)
        data = validated(sz.AdjSuspensionDecisionSerializer, request.data).validated_data
        pending = adj.suspensions.filter(state=SuspensionRequest.State.PENDING).first()
        if pending is None:
            raise Conflict(_("没有待决定的中止处理申请。"))
        s.adjudication_decide_suspension(actor=request.user, case=adj.case, request=pending, grant=data["grant"],
                                         note=data["note"], on=data["on"])
        return answer(request.user, adj)


@schema("adjudication_resumption", "恢复处理", "中止原因消除后恢复处理，各期限按剩余期间继续计算，签发恢复处理通知书。",
        sz.AdjResumeSerializer)
class ResumeView(ApiView):
    def post(self, request, case_id):
        adj = _officer(request, case_id)
        data = validated(sz.AdjResumeSerializer, request.data).validated_data
        s.adjudication_resume(actor=request.user, case=adj.case, reason=data["reason"], on=data["on"])
        return answer(request.user, adj)


@schema("adjudication_extension", "申请延长办案期限", "合议组申请延长办案期限（"
    "按设置的月数），报负责人审批。", sz.AdjReasonSerializer)
class ExtensionView(ApiView):
    def post(self, request, case_id):
        adj = _officer(request, case_id)
        data = validated(sz.AdjReasonSerializer, request.data).validated_data
        s.adjudication_request_extension(actor=request.user, case=adj.case, reason=data["reason"])
        return answer(request.user, adj)


@schema("adjudication_extension_decision", "审批延长期限", "负责人批准（"
    "办案期限届满日相应延后）或不予批准。", sz.AdjApprovalSerializer)
class ExtensionDecisionView(ApiView):
    def post(self, request, case_id):
        from cases.adjudication.models import ExtensionRequest

        adj = _chief(request, case_id)
        data = validated(sz.AdjApprovalSerializer, request.data).validated_data
        pending = adj.extensions.filter(state=ExtensionRequest.State.PENDING).first()
        if pending is None:
            raise Conflict(_("没有待审批的延长期限申请。"))
        s.adjudication_decide_extension(actor=request.user, case=adj.case, request=pending, approve=data["approve"],
                                        note=data["note"])
        return answer(request.user, adj)


@schema("adjudication_mediation", "开始赔偿调解", "经双方同意，就赔偿数额进行调解。")
class MediationStartView(ApiView):
    def post(self, request, case_id):
        adj = _officer(request, case_id)
        s.adjudication_start_mediation(actor=request.user, case=adj.case)
        return answer(request.user, adj)


@schema("adjudication_mediation_end", "结束赔偿调解", "达成协议（生成调解协议书；"
    "一并解决全部纠纷的以调解结案）或调解不成。",
        sz.AdjMediationEndSerializer)
class MediationEndView(ApiView):
    def post(self, request, case_id):
        adj = _officer(request, case_id)
        data = validated(sz.AdjMediationEndSerializer, request.data).validated_data
        s.adjudication_end_mediation(actor=request.user, case=adj.case, agreed=data["agreed"], amount=data["amount"],
                                     terms=data["terms"], settles_case=data["settles_case"], note=data["note"])
        return answer(request.user, adj)


# -- the decision --------------------------------------------------------------------------------


@schema("adjudication_decision_draft", "起草裁决书", "合议组成员起草或修改裁决书；submit 为 true 时提交负责人审批。"
        "裁决主文由系统按认定结果生成，只能责令停止侵权。", sz.AdjDecisionDraftSerializer)
class DecisionDraftView(ApiView):
    def post(self, request, case_id):
        adj = _staff(request, case_id, perm.is_panel_member)
        data = validated(sz.AdjDecisionDraftSerializer, request.data).validated_data
        s.adjudication_draft_decision(actor=request.user, case=adj.case, infringement_found=data["infringement_found"],
                                      acts=data["acts"], product=data["product"], facts=data["facts"],
                                      reasoning=data["reasoning"], submit=data["submit"])
        return answer(request.user, adj)


@schema("adjudication_decision_approval", "审批裁决书", "负责人批准（签发行政裁决书）"
    "或退回合议组修改。", sz.AdjApprovalSerializer)
class DecisionApprovalView(ApiView):
    def post(self, request, case_id):
        adj = _chief(request, case_id)
        data = validated(sz.AdjApprovalSerializer, request.data).validated_data
        s.adjudication_decide_decision(actor=request.user, case=adj.case, approve=data["approve"], note=data["note"])
        return answer(request.user, adj)


@schema("adjudication_performance", "登记履行情况", "裁决生效后，"
    "登记被请求人是否停止侵权。", sz.AdjPerformanceSerializer)
class PerformanceView(ApiView):
    def post(self, request, case_id):
        adj = _staff(request, case_id, perm.is_officer)
        data = validated(sz.AdjPerformanceSerializer, request.data).validated_data
        s.adjudication_close_performance(actor=request.user, case=adj.case, performed=data["performed"],
                                         note=data["note"])
        return answer(request.user, adj)
