"""aws_kms_key: one customer master key a month, requests by key spec (usage ``monthly_requests``)."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    spec = str(ctx.get("customer_master_key_spec", "SYMMETRIC_DEFAULT"))
    comps = [Component("Customer master key", "months", ctx.price("aws_kms", "key"), 1.0)]

    def requests(name: str, key: str) -> Component:
        return ctx.usage_comp(name, "10k requests", "aws_kms", key, "monthly_requests", scale=10_000)

    if spec == "SYMMETRIC_DEFAULT":
        comps += [
            requests("Requests", "requests"),
            Component(
                "ECC GenerateDataKeyPair requests",
                "10k requests",
                ctx.price("aws_kms", "requests.generate_data_key_pair"),
                None,
                True,
            ),
            Component(
                "RSA GenerateDataKeyPair requests",
                "10k requests",
                ctx.price("aws_kms", "requests.generate_data_key_pair"),
                None,
                True,
            ),
        ]
    elif spec == "RSA_2048":
        comps.append(requests("Requests (RSA 2048)", "requests.rsa_2048"))
    else:
        comps.append(requests("Requests (asymmetric)", "requests.asymmetric"))
    return Priced(ctx.address, comps)
