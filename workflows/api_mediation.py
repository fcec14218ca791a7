"""REST API v1 of the mediation moves that go through the chain router: 终止调解, the joint
司法确认 application, and 委派/委托调解 by the circuit station (a case created in 快调)."""
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from cases.api import ApiView, client_ip, validated
from cases.models import Organization, Role
from cases.permissions import require_role
from cases.serializers import error_responses
from mediation import serializers as s
from mediation.api import _handler_case, _party_case, mediation_state, run
from workflows import router


class TerminateView(ApiView):
    @extend_schema(
        operation_id="mediation_terminate", tags=["mediation"], summary="终止调解",
        description="承办调解员或调委会主任终止调解，签发终止调解通知书（写明当事人可以选择的途径）；"
                    "法院委派、委托的案件随即退回法院。",
        request=s.TerminateSerializer,
        responses={200: s.MediationStateSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id):
        case = _handler_case(request.user, case_id)
        data = validated(s.TerminateSerializer, request.data).validated_data
        run(lambda: router.terminate_mediation(actor=request.user, case=case, reason=data["reason"],
                                               note=data["note"]))
        return Response(mediation_state(case))


class JudicialConfirmationView(ApiView):
    @extend_schema(
        operation_id="mediation_judicial_confirmation", tags=["mediation"], summary="共同申请司法确认",
        description="当事人同意共同申请司法确认（协议生效后30日内；涉及知识产权权属或效力的协议不适用，409）。"
                    "各方均同意后生成司法确认申请书，案件转巡回审判站（司法确认中）。",
        request=s.IntentSerializer,
        responses={200: s.JudicialResultSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id):
        case = _party_case(request.user, case_id)
        validated(s.IntentSerializer, request.data)
        filed = run(lambda: router.apply_judicial_confirmation(actor=request.user, case=case,
                                                               ip_address=client_ip(request)))
        return Response({"filed": filed, "state": mediation_state(case)})


class DelegationCreateView(ApiView):
    @extend_schema(
        operation_id="mediation_delegation_create", tags=["tribunal"], summary="委派或委托调解",
        description="巡回审判站将纠纷委派（诉前，30日）或委托（诉中，15日，简易程序7日）调解委员会调解，"
                    "案件直接进入待指派调解员；调解结果反馈法院（见委派调解的结果）。仅限书记员和法官。",
        request=s.DelegationCreateSerializer,
        responses={201: s.MediationStateSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request):
        require_role(request.user, Role.TRIBUNAL_CLERK, Role.JUDGE)
        station = request.user.organization
        if station is None or station.kind != Organization.Kind.CIRCUIT_STATION:
            raise PermissionDenied
        serializer = validated(s.DelegationCreateSerializer, request.data)
        case = run(lambda: router.delegate_to_mediation(actor=request.user, station=station,
                                                        ip_address=client_ip(request), **serializer.service_kwargs()))
        return Response(mediation_state(case), status=status.HTTP_201_CREATED,
                        headers={"Location": reverse("v1:mediation-state", args=[case.pk])})


