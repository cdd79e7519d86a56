"""A committee's plans carrying out Đề án 11 and their targets (DOMAIN §8 "Targets are data")."""

from django.shortcuts import render
from django.urls import path, reverse

from chibo.common.forms import submit_form
from chibo.common.paging import paginate
from chibo.orgs.access import can_write_org, get_org_for_user, visible_ancestors
from chibo.reporting import access, targets
from chibo.reporting import dashboard as data
from chibo.reporting import plans as services
from chibo.reporting.access import require_create_plan
from chibo.reporting.forms import PLAN_FIELD_MAP, PlanForm, plan_initial
from chibo.reporting.indicators import KEYS
from chibo.reporting.models import Plan


def _target_rows(own: dict, city: dict) -> list[dict]:
    return [
        {
            "key": key,
            "label": label,
            "target_no": target_no,
            "own": data.fmt_target(own.get(key)),
            "city": data.fmt_target(city.get(key)),
            "differs": own.get(key) != city.get(key),
        }
        for key, (_num, _den, label, target_no) in KEYS.items()
    ]


def plan_list(request, pk: int):
    org = get_org_for_user(request.user, pk)
    period = data.current_month()
    own, city, in_force = targets.targets_for(org, period)
    page = paginate(request, Plan.objects.filter(owner=org).prefetch_related("targets"), 20)
    for plan in page:
        plan.target_texts = [
            (KEYS[t.key][2], data.fmt_target(t.target)) for t in plan.targets.all() if t.key in KEYS
        ]
    return render(
        request,
        "reporting/plans.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "in_force": in_force,
            "period": period,
            "target_rows": _target_rows(own, city),
            "page": page,
            "can_create": can_write_org(request.user, org) and not org.is_cell,
        },
    )


def _form_page(request, org, form, *, title, submit, plan=None):
    return render(
        request,
        "reporting/plan_form.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "form": form,
            "plan": plan,
            "title": title,
            "submit": submit,
            "back": reverse("reporting:plans", args=[org.pk]),
        },
    )


def plan_create_view(request, pk: int):
    org = get_org_for_user(request.user, pk)
    require_create_plan(request.user, org)
    form = PlanForm(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda _data: services.plan_create(owner=org, by=request.user, **form.plan_kwargs()),
        success=lambda d: f"Đã thêm kế hoạch số {d['number']}.",
        then=reverse("reporting:plans", args=[org.pk]),
        field_map=PLAN_FIELD_MAP,
    )
    return done or _form_page(request, org, form, title="Thêm kế hoạch thực hiện Đề án 11", submit="Thêm")


def plan_edit_view(request, plan_pk: int):
    plan = access.plan.get_for_user(request.user, plan_pk, write=True)
    org = plan.owner
    form = PlanForm(request.POST or None, initial=plan_initial(plan))
    done = submit_form(
        request,
        form,
        lambda _data: services.plan_update(plan=plan, by=request.user, **form.plan_kwargs()),
        success=lambda d: f"Đã lưu kế hoạch số {d['number']}.",
        then=reverse("reporting:plans", args=[org.pk]),
        field_map=PLAN_FIELD_MAP,
    )
    return done or _form_page(
        request, org, form, title=f"Sửa kế hoạch số {plan.number}", submit="Lưu", plan=plan
    )


urlpatterns_plans = [
    path("<int:pk>/ke-hoach/", plan_list, name="plans"),
    path("<int:pk>/ke-hoach/them/", plan_create_view, name="plan_create"),
    path("ke-hoach/<int:plan_pk>/sua/", plan_edit_view, name="plan_edit"),
]
