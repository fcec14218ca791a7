"""The docking API (诉调对接, ``/api/v1/docking/``): the IP Tribunal's own case system reads the
transfers, judicial confirmation applications and delegations of its circuit station, and acts
on them through the same services and chain router as the station's clerks do on the site.

Authentication, scopes and the audit of every call are in ``cases.tribunal.docking``; idempotency is
``cases.idempotency``, as for every write of the API.
A case of another station answers 404, exactly like one that does not exist.
"""
import logging

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from cases.api import Conflict, SafeJSONParser, check_id, client_ip, validated
from cases.downloads import protected_file_response
from cases.idempotency import IDEMPOTENCY_PARAMETER
from cases.serializers import error_responses
from cases.tribunal import package, selectors
from cases.tribunal import serializers as s
from cases.tribunal import services as tribunal
from cases.tribunal.docking import (
    READ_SCOPES,
    DockingCursorPagination,
    DockingView,
    docking_operation,
    idempotent,
    station_case,
)
from cases.upload_names import MultiPartParser  # refuses hostile upload names instead of stripping them
from cases.uploads import UploadRejected
from mediation import selectors as mediation_selectors
from mediation import serializers as mediation_serializers
from mediation.models import CourtDelegation
from workflows import router

logger = logging.getLogger(__name__)

READ_ERRORS = error_responses(400, 401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 415, 422)
SINCE = OpenApiParameter("since", OpenApiTypes.DATETIME, description="只列出此时间（含）以后有变化的案件。")
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
CASE_ID = OpenApiParameter("case_id", ID_SCHEMA, OpenApiParameter.PATH, description="案件编号（id）。")
EVIDENCE_ID = OpenApiParameter("evidence_id", ID_SCHEMA, OpenApiParameter.PATH, description="证据编号（id）。")
DOCUMENT_ID = OpenApiParameter("document_id", ID_SCHEMA, OpenApiParameter.PATH, description="文书编号（id）。")
PAGE = [OpenApiParameter("cursor", str, description="分页游标（取自上一页的 next / previous）。"),
        OpenApiParameter("page_size", int, description="每页条数，1至100，默认25。")]


def _full(view) -> bool:
    return "identifiers:read" in view.client.scopes


def _paginated(view, queryset, serialize):
    paginator = DockingCursorPagination()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(serialize(page))


def _upload_errors(call):
    """A rejected upload names the ``document`` field; nothing was saved."""
    try:
        return call()
    except UploadRejected as exc:
        raise exceptions.ValidationError({"document": [str(m) for m in exc.messages]}) from None


# -- transfers (移送) ---------------------------------------------------------------------------------


def _transfer_state(view, case_id) -> dict:
    case = station_case(case_id, selectors.docking_transfers(view.client))
    return s.DockingTransferSerializer(case).data


class TransferListView(DockingView):
    @docking_operation(
        "docking_transfers_list", "transfers:read", summary="移送案件列表",
        description="移送至本巡回审判站的案件（已移送、已立案、法院结案），按编号由新到旧，游标分页。"
                    "可按状态筛选，并用 since 只取某时间以后有变化的案件（增量同步）。",
        parameters=[OpenApiParameter("status", str, enum=[x.value for x in s.TRANSFER_STATUSES],
                                     description="按状态筛选。"), SINCE, *PAGE],
        responses={200: s.page_of(s.DockingTransferSerializer), **READ_ERRORS},
    )
    def get(self, request):
        filters = validated(s.DockingTransferFilterSerializer, request.query_params).validated_data
        qs = selectors.docking_transfers(self.client, status=filters.get("status", ""), since=filters.get("since"))
        return _paginated(self, qs, lambda rows: s.DockingTransferSerializer(rows, many=True).data)


class TransferDetailView(DockingView):
    @docking_operation(
        "docking_transfers_retrieve", "transfers:read", summary="移送案件详情",
        description="移送案件的完整卷宗：当事人（有 identifiers:read 时显示完整身份证号码和电话）、涉案知识产权、"
                    "事实与请求、全部文书和证据（含SHA-256与下载地址）、公开的案件动态、在本站的签收立案结案情况。",
        responses={200: s.DockingTransferDetailSerializer, **READ_ERRORS},
        parameters=[CASE_ID],
    )
    def get(self, request, case_id):
        case = station_case(case_id, selectors.docking_transfers(self.client))
        context = {"full": _full(self), "file": selectors.case_file(case)}
        return Response(s.DockingTransferDetailSerializer(case, context=context).data)


class _TransferWrite(DockingView):
    def case(self, case_id):
        return station_case(case_id, selectors.docking_transfers(self.client))


class TransferAcknowledgeView(_TransferWrite):
    @docking_operation(
        "docking_transfers_acknowledge", "transfers:write", summary="签收移送案件",
        description="签收已移送的案件；已签收或不在“已移送法院”状态时返回409。",
        parameters=[CASE_ID, IDEMPOTENCY_PARAMETER], request=None,
        responses={200: s.DockingTransferSerializer, **WRITE_ERRORS},
    )
    def post(self, request, case_id):
        case = self.case(case_id)

        def call():
            tribunal.transfer_acknowledge(actor=request.user, case=case)
            return _transfer_state(self, case.pk)

        return idempotent(self, request, call)


class TransferDocketView(_TransferWrite):
    @docking_operation(
        "docking_transfers_docket", "transfers:write", summary="立案",
        description="登记法院案号，案件转为“已立案”，通知各方当事人。须先签收。",
        parameters=[CASE_ID, IDEMPOTENCY_PARAMETER], request=s.DockingDocketSerializer,
        responses={200: s.DockingTransferSerializer, **WRITE_ERRORS},
    )
    def post(self, request, case_id):
        case = self.case(case_id)

        def call():
            data = validated(s.DockingDocketSerializer, request.data).validated_data
            tribunal.transfer_docket(actor=request.user, case=case, court_reference=data["court_reference"])
            return _transfer_state(self, case.pk)

        return idempotent(self, request, call)


class TransferOutcomeView(_TransferWrite):
    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]

    @docking_operation(
        "docking_transfers_outcome", "transfers:write", summary="登记结案",
        description="登记法院结案方式（判决、法院调解、撤诉、驳回起诉）、裁判日期、结果摘要，"
                    "可附裁判文书PDF（multipart/form-data 的 document 字段）。案件转为“法院结案”，通知各方当事人。"
                    "尚未立案的案件只能登记撤诉。",
        parameters=[CASE_ID, IDEMPOTENCY_PARAMETER],
        request={"multipart/form-data": s.DockingOutcomeSerializer, "application/json": s.DockingOutcomeSerializer},
        responses={200: s.DockingTransferSerializer, **WRITE_ERRORS},
    )
    def post(self, request, case_id):
        case = self.case(case_id)

        def call():
            data = validated(s.DockingOutcomeSerializer, request.data).validated_data
            _upload_errors(lambda: router.court_close(
                actor=request.user, case=case, outcome=data["outcome"], decided_on=data["decided_on"],
                summary=data["summary"], document=data.get("document")))
            return _transfer_state(self, case.pk)

        return idempotent(self, request, call)


# -- files ----------------------------------------------------------------------------------------------


def _file_response(field, *, filename, content_type):
    return protected_file_response(field, filename=filename, content_type=content_type)


class _FileView(DockingView):
    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


class EvidenceDownloadView(_FileView):
    @docking_operation(
        "docking_evidence_download", READ_SCOPES, summary="下载证据",
        description="下载本站案件的证据文件（与列表中的SHA-256核对）。",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="证据文件。"),
                   **error_responses(401, 403, 404)},
        parameters=[CASE_ID, EVIDENCE_ID],
    )
    def get(self, request, case_id, evidence_id):
        case = station_case(case_id, selectors.station_cases(self.client))
        evidence = case.evidence.filter(pk=check_id(evidence_id)).first()
        if evidence is None:
            raise Http404
        return _file_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)


class DocumentDownloadView(_FileView):
    @docking_operation(
        "docking_document_download", READ_SCOPES, summary="下载文书",
        description="下载本站案件的文书PDF（移送函、调解协议书、司法确认申请书等）。",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="文书PDF。"),
                   **error_responses(401, 403, 404)},
        parameters=[CASE_ID, DOCUMENT_ID],
    )
    def get(self, request, case_id, document_id):
        case = station_case(case_id, selectors.station_cases(self.client))
        document = case.documents.filter(pk=check_id(document_id)).first()
        if document is None:
            raise Http404
        return _file_response(document.file, filename=f"{document.number}.pdf", content_type="application/pdf")


class _PackageView(_FileView):
    part = ""
    content_type = ""

    def package(self, request, case_id):
        """The transfer package built now from the case file; each download is recorded with its hash."""
        case = station_case(case_id, selectors.docking_transfers(self.client))
        builder = package.package_pdf if self.part == "pdf" else package.package_zip
        try:
            out, sha256, size = package.spooled(builder, case)
        except package.PackageError as exc:
            raise Conflict(" ".join(exc.messages), "status") from None
        try:
            tribunal.transfer_package_record_download(actor=request.user, case=case, part=self.part, sha256=sha256,
                                                      size=size)
        except BaseException:
            out.close()
            raise
        name = f"{package.safe_name(_('移送材料'))}-{package.safe_name(case.number or str(case.pk))}.{self.part}"
        response = FileResponse(out, as_attachment=True, filename=name, content_type=self.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["X-Package-SHA256"] = sha256
        return response


class TransferPackageZipView(_PackageView):
    part, content_type = "zip", "application/zip"

    @docking_operation(
        "docking_transfers_package_zip", "transfers:read", summary="移送材料（压缩包）",
        description="全部文书和证据的原件、manifest.json 和 SHA256SUMS 打包为 zip；响应头 X-Package-SHA256 为压缩包的"
                    "SHA-256。尚无移送函时返回409。",
        parameters=[CASE_ID],
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="压缩包。"),
                   **error_responses(401, 403, 404, 409)},
    )
    def get(self, request, case_id):
        return self.package(request, case_id)


class TransferPackagePdfView(_PackageView):
    part, content_type = "pdf", "application/pdf"

    @docking_operation(
        "docking_transfers_package_pdf", "transfers:read", summary="移送材料（合并PDF）",
        description="移送函、案件概要和全部文书证据合并为一份PDF；响应头 X-Package-SHA256 为其SHA-256。"
                    "尚无移送函时返回409。",
        parameters=[CASE_ID],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="合并PDF。"),
                   **error_responses(401, 403, 404, 409)},
    )
    def get(self, request, case_id):
        return self.package(request, case_id)


# -- judicial confirmation (司法确认) ------------------------------------------------------------------


class ConfirmationListView(DockingView):
    @docking_operation(
        "docking_confirmations_list", "confirmations:read", summary="司法确认申请列表",
        description="当事人向本站共同申请司法确认的案件：待受理（pending）、已受理待裁定（accepted）、已裁定（ruled）。",
        parameters=[OpenApiParameter("state", str, enum=[c for c, _label in s.CONFIRMATION_STATES],
                                     description="按办理状态筛选。"), SINCE, *PAGE],
        responses={200: s.page_of(s.DockingConfirmationSerializer), **READ_ERRORS},
    )
    def get(self, request):
        filters = validated(s.DockingConfirmationFilterSerializer, request.query_params).validated_data
        qs = selectors.docking_confirmations(self.client, state=filters.get("state", ""), since=filters.get("since"))
        return _paginated(self, qs, lambda rows: s.DockingConfirmationSerializer(
            selectors.with_confirmation(rows, self.client.station_id), many=True).data)


class _ConfirmationCase(DockingView):
    def case(self, case_id):
        case = station_case(case_id, selectors.docking_confirmations(self.client))
        return selectors.with_confirmation([case], self.client.station_id)[0]


def _confirmation_state(view, case_id) -> dict:
    case = view.case(case_id)
    return s.DockingConfirmationSerializer(case).data


class ConfirmationDetailView(_ConfirmationCase):
    @docking_operation(
        "docking_confirmations_retrieve", "confirmations:read", summary="司法确认申请详情",
        description="申请的案件卷宗、生效的调解协议书与司法确认申请书（含SHA-256与下载地址）、受理与裁定情况。",
        responses={200: s.DockingConfirmationDetailSerializer, **READ_ERRORS},
        parameters=[CASE_ID],
    )
    def get(self, request, case_id):
        case = self.case(case_id)
        context = {"full": _full(self), "file": selectors.case_file(case)}
        return Response(s.DockingConfirmationDetailSerializer(case, context=context).data)


class ConfirmationAcceptView(_ConfirmationCase):
    @docking_operation(
        "docking_confirmations_accept", "confirmations:write", summary="受理司法确认申请",
        description="受理当事人的共同申请，开始计算审查期限（15日）；已受理或不在“司法确认中”时返回409。",
        parameters=[CASE_ID, IDEMPOTENCY_PARAMETER], request=None,
        responses={200: s.DockingConfirmationSerializer, **WRITE_ERRORS},
    )
    def post(self, request, case_id):
        case = self.case(case_id)

        def call():
            tribunal.confirmation_accept(actor=request.user, case=case)
            return _confirmation_state(self, case.pk)

        return idempotent(self, request, call)


class ConfirmationRulingView(_ConfirmationCase):
    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]

    @docking_operation(
        "docking_confirmations_rule", "confirmations:write", summary="作出司法确认裁定",
        description="裁定确认调解协议有效（confirmed=true）或驳回申请（confirmed=false，须写明理由），"
                    "可附裁定书PDF（multipart/form-data 的 document 字段）。案件退回调解委员会，通知各方当事人。"
                    "须先受理。",
        parameters=[CASE_ID, IDEMPOTENCY_PARAMETER],
        request={"multipart/form-data": s.DockingRulingRequestSerializer,
                 "application/json": s.DockingRulingRequestSerializer},
        responses={200: s.DockingConfirmationSerializer, **WRITE_ERRORS},
    )
    def post(self, request, case_id):
        case = self.case(case_id)

        def call():
            data = validated(s.DockingRulingRequestSerializer, request.data).validated_data
            _upload_errors(lambda: router.confirmation_ruled(
                actor=request.user, case=case, confirmed=data["confirmed"], reasons=data["reasons"],
                document=data.get("document")))
            return _confirmation_state(self, case.pk)

        return idempotent(self, request, call)


# -- delegated and entrusted mediation (委派/委托调解) --------------------------------------------------


def _delegations(view):
    return (mediation_selectors.station_delegations(view.client.station)
            .filter(case__in=selectors.station_cases(view.client))
            .select_related("case__organization", "result_document"))


def _delegation(view, case_id) -> CourtDelegation:
    if not 0 < case_id < 2**63:
        raise Http404
    delegation = _delegations(view).filter(case_id=case_id).first()
    if delegation is None:
        raise Http404
    return delegation


class DelegationListView(DockingView):
    @docking_operation(
        "docking_delegations_list", "delegations:read", summary="委派/委托调解列表",
        description="本站委派、委托调解委员会调解的案件及其结果，按委派先后由新到旧，游标分页。",
        parameters=[OpenApiParameter("result", str, enum=[c for c, _label in s.DELEGATION_RESULTS],
                                     description="按调解结果筛选。"), SINCE, *PAGE],
        responses={200: s.page_of(s.DockingDelegationSerializer), **READ_ERRORS},
    )
    def get(self, request):
        filters = validated(s.DockingDelegationFilterSerializer, request.query_params).validated_data
        qs = _delegations(self).order_by()
        if filters.get("result"):
            qs = qs.filter(result=filters["result"])
        if filters.get("since"):
            qs = qs.filter(case__updated_at__gte=filters["since"])
        return _paginated(self, qs, lambda rows: s.DockingDelegationSerializer(rows, many=True).data)

    @docking_operation(
        "docking_delegations_create", "delegations:write", summary="委派或委托调解",
        description="将纠纷委派（诉前，30日）或委托（诉中，15日，简易程序7日）调解委员会调解，"
                    "案件直接进入待指派调解员；结果在本接口读取（调解不成的同时退回材料）。",
        parameters=[IDEMPOTENCY_PARAMETER], request=mediation_serializers.DelegationCreateSerializer,
        responses={201: s.DockingDelegationSerializer, **error_responses(400, 401, 403, 409, 415, 422)},
    )
    def post(self, request):
        def call():
            serializer = validated(mediation_serializers.DelegationCreateSerializer, request.data)
            case = router.delegate_to_mediation(actor=request.user, station=self.station,
                                                ip_address=client_ip(request), **serializer.service_kwargs())
            self.see(case.pk)
            return s.DockingDelegationSerializer(_delegation(self, case.pk)).data

        return idempotent(self, request, call, status_code=status.HTTP_201_CREATED,
                          location=lambda body: reverse("v1:docking-delegation-detail", args=[body["case"]["id"]]))


class DelegationDetailView(DockingView):
    @docking_operation(
        "docking_delegations_retrieve", "delegations:read", summary="委派/委托调解的结果",
        description="调解结果（调解中、调解成功、调解不成、撤回）、结果说明、结果文书，调解不成时退回的材料"
                    "（文书和证据，含SHA-256与下载地址），以及公开的案件动态。",
        responses={200: s.DockingDelegationDetailSerializer, **READ_ERRORS},
        parameters=[CASE_ID],
    )
    def get(self, request, case_id):
        delegation = _delegation(self, check_id(case_id))
        context = {"full": _full(self), "file": selectors.case_file(delegation.case)}
        return Response(s.DockingDelegationDetailSerializer(delegation, context=context).data)


# -- any case of the station ------------------------------------------------------------------------


class CaseStatusView(DockingView):
    @docking_operation(
        "docking_case_status", READ_SCOPES, summary="案件状态",
        description="本站任一案件（移送、司法确认、委派调解）的状态、所处环节、法院案号和公开的案件动态。",
        responses={200: s.DockingCaseStatusSerializer, **READ_ERRORS},
        parameters=[CASE_ID],
    )
    def get(self, request, case_id):
        case = station_case(case_id, selectors.station_cases(self.client))
        context = {"full": _full(self), "file": selectors.case_file(case, events_only=True)}
        return Response(s.DockingCaseStatusSerializer(case, context=context).data)

