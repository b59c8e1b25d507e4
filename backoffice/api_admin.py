"""HTTP routes for the organisation: departments, the routing table, department tokens,
and the fields each service's case carries."""
from __future__ import annotations

from typing import Any, Dict, List

from fastapi import APIRouter, Depends, Path, Security

from backoffice.api import ApiError, bearer, errors, get_departments, get_principal, staff_only
from backoffice.organisation import Department, DepartmentExists, DepartmentStore, UnknownDepartment
from backoffice.principal import Principal
from backoffice.routing import Rule, duplicate_rows
from backoffice.schemas import (
    DepartmentIn, DepartmentOut, DepartmentPatch, RoutingTable, ServiceFieldsOut,
    TokenIn, TokenOut,
)
from backoffice.service_fields import describe_services

router = APIRouter(prefix="/api/v1", dependencies=[Security(bearer)], responses=errors(401, 413))
DEPARTMENT_PATH = Path(..., regex=r"^[a-z][a-z0-9_]{1,31}$")


def _department(d: Department) -> Dict[str, Any]:
    return {"department_id": d.department_id, "name": d.name, "kind": d.kind, "active": d.active}


@router.get("/departments", response_model=List[DepartmentOut], tags=["departments"])
def list_departments(departments: DepartmentStore = Depends(get_departments),
                     who: Principal = Depends(get_principal)) -> List[Dict[str, Any]]:
    """Departments and providers cases are routed to."""
    return [_department(d) for d in departments.all()]


@router.post("/departments", status_code=201, response_model=DepartmentOut, tags=["departments"],
             responses=errors(403, 409, 422))
def create_department(body: DepartmentIn, who: Principal = Depends(staff_only),
                      departments: DepartmentStore = Depends(get_departments)) -> Dict[str, Any]:
    """Add a department or provider (staff)."""
    try:
        created = departments.create(who, Department(body.department_id, body.name, body.kind, True))
    except DepartmentExists:
        raise ApiError(409, "department_exists", "a department with this id exists") from None
    return _department(created)


@router.patch("/departments/{department_id}", response_model=DepartmentOut, tags=["departments"],
              responses=errors(403, 404, 422))
def change_department(body: DepartmentPatch, department_id: str = DEPARTMENT_PATH,
                      who: Principal = Depends(staff_only),
                      departments: DepartmentStore = Depends(get_departments)) -> Dict[str, Any]:
    """Rename a department or switch it off (its tokens then stop working)."""
    if departments.get(department_id) is None:
        raise ApiError(404, "not_found", "no such department")
    changed = departments.update(who, department_id, body.name, body.active)
    if changed is None:
        raise ApiError(404, "not_found", "no such department")
    return _department(changed)


@router.post("/departments/{department_id}/tokens", status_code=201, response_model=TokenOut,
             tags=["departments"], responses=errors(403, 404, 422))
def issue_token(body: TokenIn, department_id: str = DEPARTMENT_PATH,
                who: Principal = Depends(staff_only),
                departments: DepartmentStore = Depends(get_departments)) -> Dict[str, Any]:
    """A new API token for a department's own account; shown once."""
    if departments.get(department_id) is None:
        raise ApiError(404, "not_found", "no such department")
    return {"department": department_id, "token": departments.issue_token(who, department_id, body.label)}


@router.delete("/departments/{department_id}/tokens", tags=["departments"],
               responses=errors(403, 404, 422))
def revoke_tokens(department_id: str = DEPARTMENT_PATH, who: Principal = Depends(staff_only),
                  departments: DepartmentStore = Depends(get_departments)) -> Dict[str, Any]:
    """Revoke every token of a department."""
    if departments.get(department_id) is None:
        raise ApiError(404, "not_found", "no such department")
    return {"department": department_id, "revoked": departments.revoke_tokens(who, department_id)}


def _rules(rules: List[Rule]) -> Dict[str, Any]:
    return {"rules": [{"service": r.service, "category": r.category, "department": r.department_id}
                      for r in rules]}


@router.get("/routing", response_model=RoutingTable, tags=["departments"])
def get_routing(departments: DepartmentStore = Depends(get_departments),
                who: Principal = Depends(get_principal)) -> Dict[str, Any]:
    """The routing table: a new case goes to the department of the most specific row
    (service and category, then service, then ``*``)."""
    return _rules(departments.rules())


@router.put("/routing", response_model=RoutingTable, tags=["departments"], responses=errors(403, 422))
def put_routing(body: RoutingTable, who: Principal = Depends(staff_only),
                departments: DepartmentStore = Depends(get_departments)) -> Dict[str, Any]:
    """Replace the whole routing table (staff); existing cases keep their department."""
    rules = [Rule(r.service, r.category, r.department) for r in body.rules]
    twice = duplicate_rows(rules)
    if twice:
        raise ApiError(422, "duplicate_rule", f"named twice: {twice[0][0]} / {twice[0][1] or '-'}")
    try:
        return _rules(departments.replace_rules(who, rules))
    except UnknownDepartment as exc:
        raise ApiError(422, "unknown_department", f"no department {exc.department_id}") from None


@router.get("/services", response_model=List[ServiceFieldsOut], tags=["departments"])
def list_services() -> List[Dict[str, Any]]:
    """Fields of each service's case (SERVICES.md section 3), for staff filing one."""
    return describe_services()
