"""The exceptions dev-agent raises on purpose: one base, three kinds (rq/httpx style).

Each subclass lives next to the code that raises it; this module owns the base classes and the tree below.
Every kind keeps the builtin base callers already catch (`ValueError`, `RuntimeError`).

    DevAgentError
    ├── InputError (ValueError): bad input from a user, a file or a request; the message is safe to show
    │   (escaped).  FormError (request.issue_form), SpecError (spec), CommandError (commands.parser),
    │   RequestError (understanding; TooManyMentions in understanding.deterministic),
    │   StateRefused (request.markers), PolicyError (policies.schema),
    │   SkipListError (checks.skips), EnvironmentInputError (lifecycle.workspace), CostInputError
    │   (cost.usage), ExprError (cost.expr)
    ├── RefusedError (ValueError): the request is understood but cannot be met as asked.
    │   BudgetError (pipeline.budget: even the cheapest plan is over budget; carries its cost),
    │   UnpricedRegion (cost.coverage)
    ├── ToolError (RuntimeError): an external tool or service failed or is missing.
    │   TerraformError (pipeline.terraform), CheckovError (checks.checkov), HelmUnavailable
    │   (checks.helm_tool), HelmDeployError (lifecycle.helm_deploy), StepFailed (lifecycle.apply),
    │   GitHubAppError (github.app), CheckIncomplete (checks.tools), InitFailed (checks.terraform_init),
    │   ProviderUnavailable (checks.providers), WarmUnavailable (checks.warm), BootstrapError (bootstrap;
    │   BootstrapInputError: bad input, nothing was called), PreviewError (review.preview: terraform plan)
    ├── ConfigError (RuntimeError): the bot's own settings cannot work (intake.web)
    ├── WebhookError: a delivery that fails verification (intake.webhooks)
    ├── KeyRejected: an API key that is unknown, expired or lacks the scope (api.keys)
    ├── SignInFailed: GitHub refused the sign-in code or token, or could not be reached (api.signin)
    ├── ChangedSinceReview: the plan apply would run is not the reviewed one; nothing applied (review.changeset)
    ├── DatabaseError: the database URL is unusable or cannot be migrated (store.db)
    ├── RestoreError: not a dev-agent export, or the database is not empty (store.backup)
    ├── LockBusy: another request holds the environment (store.locks)
    ├── BranchTaken: the branch's open PR belongs to another request or person (request.write)
    └── Unsupported: a resource the cost model cannot price (cost.model; reported, never raised to users)

Private control-flow signals (`_BodyTooLarge`, `_NoToolCall`) never leave their module. The sandbox GitHub
(top-level `sandbox` package) is a test server and keeps its own errors.
"""

from __future__ import annotations


class DevAgentError(Exception):
    """Base of every exception dev-agent raises on purpose."""


class InputError(DevAgentError, ValueError):
    """Bad input: the message says what is wrong and is safe to show after escaping."""


class RefusedError(DevAgentError, ValueError):
    """A valid request that cannot be met as asked (budget, prices); the message says why."""


class ToolError(DevAgentError, RuntimeError):
    """An external tool (terraform, checkov, helm) or service (GitHub) failed or is missing."""
