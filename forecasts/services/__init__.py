"""One function per user action. The web app, the command line and the API call these.

Each action is one transaction: it validates everything first (with the pure rules of
``forecasts.rules``), writes its rows and its audit event together, commits once, and
rolls back whole on any error. Bad input raises ``ValidationError`` (field and rule) and
nothing is written; a stale edit raises ``ConflictError``; a role that may not act
raises ``PermissionDenied``.

The kernel (``services.kernel``) holds what every action runs on; the actions live in
one module per noun and are re-exported here, so callers write ``services.add_pundit``.
"""

from forecasts.errors import FieldErrors
from forecasts.services.claims import log_unscorable_claim
from forecasts.services.corrections import (
    correct_prediction,
    delete_pundit,
    delete_question,
    delete_source,
    merge_pundits,
    merge_questions,
    merge_sources,
    restore_prediction,
    retract_prediction,
)
from forecasts.services.kernel import (
    Actor,
    apply_edit,
    batch,
    get_row,
    insert_row,
    record_audit,
    unit_of_work,
)
from forecasts.services.predictions import log_prediction
from forecasts.services.pundits import add_pundit, edit_pundit
from forecasts.services.questions import add_question, edit_question
from forecasts.services.resolutions import annul_question, resolve_question
from forecasts.services.sources import add_source, edit_source
from forecasts.services.users import (
    authenticate,
    change_password,
    create_user,
    end_sessions,
    reset_password,
    update_user,
    user_by_name,
)

__all__ = [
    "Actor",
    "FieldErrors",
    "add_pundit",
    "add_question",
    "add_source",
    "annul_question",
    "apply_edit",
    "authenticate",
    "batch",
    "change_password",
    "correct_prediction",
    "delete_pundit",
    "delete_question",
    "delete_source",
    "merge_pundits",
    "merge_questions",
    "merge_sources",
    "restore_prediction",
    "retract_prediction",
    "create_user",
    "edit_pundit",
    "edit_question",
    "edit_source",
    "end_sessions",
    "reset_password",
    "user_by_name",
    "get_row",
    "insert_row",
    "log_prediction",
    "log_unscorable_claim",
    "record_audit",
    "resolve_question",
    "unit_of_work",
    "update_user",
]
