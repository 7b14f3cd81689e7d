"""What the pull-request workflow (dev-agent-plan.yml) checks and posts: that the reviewed files are what dev-agent
generates, the real `terraform plan` of them, and (after the merge) that apply runs the change set reviewed."""
