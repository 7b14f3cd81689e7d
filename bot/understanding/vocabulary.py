"""Tables the deterministic parser reads: places per cloud, product names, frameworks, services, numbers.

Every table maps plain-language words (lowercase regex fragments, matched on word boundaries) to
spec values. Extending understanding means adding rows here, not code.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- numbers -------------------------------------------------------------------------------------

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100,
    "couple": 2, "a couple of": 2, "a pair of": 2, "pair of": 2, "a few": 3, "few": 3, "a dozen": 12, "dozen": 12,
    "half a dozen": 6,
}

# --- clouds --------------------------------------------------------------------------------------

CLOUD_WORDS: dict[str, str] = {
    r"aws": "aws", r"amazon(?: web services)?": "aws",
    r"gcp": "gcp", r"google cloud(?: platform)?": "gcp", r"gcloud": "gcp", r"google": "gcp",
    r"azure": "azure", r"microsoft(?: azure)?": "azure",
}


@dataclass(frozen=True)
class Product:
    """A cloud product name and what it says about the spec."""

    cloud: str | None
    kind: str | None = None  # compute kind it implies
    database: str | None = None  # database engine it implies ("" = any engine, default postgres)
    cache: str | None = None
    queue: str | None = None
    bucket: bool = False
    monitoring: str | None = None


# Longest phrases are matched first, so "azure cache for redis" wins over "azure".
PRODUCTS: dict[str, Product] = {
    # AWS
    r"eks|elastic kubernetes service": Product("aws", kind="kubernetes"),
    r"ecs|elastic container service": Product("aws", kind="containers"),
    r"fargate": Product("aws", kind="containers"),
    r"app ?runner": Product("aws", kind="containers"),
    r"lambdas?": Product("aws", kind="functions"),
    r"ec2": Product("aws", kind="vm"),
    r"lightsail": Product("aws", kind="vm"),
    r"rds": Product("aws", database=""),
    r"aurora(?: serverless)?(?: postgres(?:ql)?)?": Product("aws", database="postgres"),
    r"aurora mysql": Product("aws", database="mysql"),
    r"documentdb|docdb": Product("aws", database="mongodb"),
    r"elasticache": Product("aws", cache="redis"),
    r"elasticache (?:for )?memcached": Product("aws", cache="memcached"),
    r"s3": Product("aws", bucket=True),
    r"sqs": Product("aws", queue="sqs"),
    r"msk|managed streaming for (?:apache )?kafka": Product("aws", queue="kafka"),
    r"amazon mq": Product("aws", queue="rabbitmq"),
    r"cloudwatch": Product("aws", monitoring="cloudwatch"),
    # GCP
    r"gke|google kubernetes engine": Product("gcp", kind="kubernetes"),
    r"cloud run": Product("gcp", kind="containers"),
    r"app engine": Product("gcp", kind="containers"),
    r"cloud functions?": Product("gcp", kind="functions"),
    r"compute engine|gce": Product("gcp", kind="vm"),
    r"cloud sql": Product("gcp", database=""),
    r"alloydb": Product("gcp", database="postgres"),
    r"memorystore": Product("gcp", cache="redis"),
    r"memorystore for memcached": Product("gcp", cache="memcached"),
    r"gcs|google cloud storage": Product("gcp", bucket=True),
    r"pub ?/ ?sub|pubsub|pub sub": Product("gcp", queue="pubsub"),
    # Azure
    r"aks|azure kubernetes service": Product("azure", kind="kubernetes"),
    r"container apps?": Product("azure", kind="containers"),
    r"app service": Product("azure", kind="containers"),
    r"azure functions?": Product("azure", kind="functions"),
    r"flexible server": Product("azure", database=""),
    r"azure database for postgres(?:ql)?": Product("azure", database="postgres"),
    r"azure database for mysql": Product("azure", database="mysql"),
    r"cosmos(?: ?db)?": Product("azure", database="mongodb"),
    r"azure sql(?: database| db)?": Product("azure", database="sqlserver"),
    r"azure cache for redis": Product("azure", cache="redis"),
    r"blob storage|storage account|blob container": Product("azure", bucket=True),
    r"service ?bus": Product("azure", queue="servicebus"),
    r"event ?hubs?": Product("azure", queue="kafka"),
}

# --- places: (regex, specificity) -> region per cloud --------------------------------------------
# specificity: 3 city/state, 2 country or provider area name, 1 continent/coast.


@dataclass(frozen=True)
class Place:
    aws: str
    gcp: str
    azure: str
    specificity: int = 3


PLACES: dict[str, Place] = {
    # North America
    r"n\.? ?virginia|northern virginia|virginia|ashburn|washington,? d\.?c\.?": Place("us-east-1", "us-east4", "eastus"),
    r"ohio|columbus": Place("us-east-2", "us-east5", "eastus2"),
    r"oregon|portland|the dalles": Place("us-west-2", "us-west1", "westus2"),
    r"seattle|washington state": Place("us-west-2", "us-west1", "westus2"),
    r"n\.? ?california|northern california|california|san francisco|bay area|silicon valley|san jose": Place("us-west-1", "us-west2", "westus"),
    r"los angeles": Place("us-west-1", "us-west2", "westus"),
    r"iowa|council bluffs": Place("us-east-2", "us-central1", "centralus"),
    r"south carolina|moncks corner": Place("us-east-1", "us-east1", "eastus"),
    r"texas|dallas|san antonio": Place("us-east-2", "us-south1", "southcentralus"),
    r"chicago|illinois": Place("us-east-2", "us-central1", "northcentralus"),
    r"las vegas|nevada": Place("us-west-1", "us-west4", "westus"),
    r"salt lake city|utah": Place("us-west-2", "us-west3", "westus3"),
    r"arizona": Place("us-west-2", "us-west4", "westus3"),
    r"montr[eé]al|quebec": Place("ca-central-1", "northamerica-northeast1", "canadaeast"),
    r"toronto": Place("ca-central-1", "northamerica-northeast2", "canadacentral"),
    r"calgary": Place("ca-west-1", "northamerica-northeast2", "canadacentral"),
    r"canada": Place("ca-central-1", "northamerica-northeast1", "canadacentral", 2),
    r"mexico|quer[eé]taro": Place("mx-central-1", "us-south1", "southcentralus", 2),
    r"s[aã]o paulo|brazil": Place("sa-east-1", "southamerica-east1", "brazilsouth"),
    r"us[- ]?east|east coast|east us": Place("us-east-1", "us-east4", "eastus", 2),
    r"east us ?2": Place("us-east-1", "us-east4", "eastus2", 2),
    r"us[- ]?west|west coast|west us": Place("us-west-2", "us-west1", "westus", 2),
    r"west us ?2": Place("us-west-2", "us-west1", "westus2", 2),
    r"west us ?3": Place("us-west-2", "us-west4", "westus3", 2),
    r"central us|us[- ]?central|midwest": Place("us-east-2", "us-central1", "centralus", 2),
    r"north central us": Place("us-east-2", "us-central1", "northcentralus", 2),
    r"south central us": Place("us-east-2", "us-south1", "southcentralus", 2),
    r"west central us": Place("us-west-2", "us-west3", "westcentralus", 2),
    r"canada central": Place("ca-central-1", "northamerica-northeast2", "canadacentral", 2),
    r"canada east": Place("ca-central-1", "northamerica-northeast1", "canadaeast", 2),
    r"brazil south": Place("sa-east-1", "southamerica-east1", "brazilsouth", 2),
    r"the us|the usa|united states|usa|north america": Place("us-east-1", "us-central1", "eastus", 1),
    # Europe
    r"ireland|dublin": Place("eu-west-1", "europe-west2", "northeurope"),
    r"north europe": Place("eu-west-1", "europe-west1", "northeurope", 2),
    r"london|england|the uk|uk|united kingdom|britain|great britain": Place("eu-west-2", "europe-west2", "uksouth"),
    r"uk south": Place("eu-west-2", "europe-west2", "uksouth", 2),
    r"uk west|cardiff|wales": Place("eu-west-2", "europe-west2", "ukwest"),
    r"paris|france": Place("eu-west-3", "europe-west9", "francecentral"),
    r"france central": Place("eu-west-3", "europe-west9", "francecentral", 2),
    r"frankfurt|germany": Place("eu-central-1", "europe-west3", "germanywestcentral"),
    r"germany west central": Place("eu-central-1", "europe-west3", "germanywestcentral", 2),
    r"berlin": Place("eu-central-1", "europe-west10", "germanywestcentral"),
    r"z[uü]rich|switzerland|geneva": Place("eu-central-2", "europe-west6", "switzerlandnorth"),
    r"switzerland north": Place("eu-central-2", "europe-west6", "switzerlandnorth", 2),
    r"stockholm|sweden": Place("eu-north-1", "europe-north1", "swedencentral"),
    r"sweden central": Place("eu-north-1", "europe-north1", "swedencentral", 2),
    r"finland|helsinki|hamina": Place("eu-north-1", "europe-north1", "swedencentral"),
    r"norway|oslo": Place("eu-north-1", "europe-north1", "norwayeast"),
    r"norway east": Place("eu-north-1", "europe-north1", "norwayeast", 2),
    r"milan|italy": Place("eu-south-1", "europe-west8", "italynorth"),
    r"italy north": Place("eu-south-1", "europe-west8", "italynorth", 2),
    r"turin": Place("eu-south-1", "europe-west12", "italynorth"),
    r"madrid|spain": Place("eu-south-2", "europe-southwest1", "spaincentral"),
    r"spain central": Place("eu-south-2", "europe-southwest1", "spaincentral", 2),
    r"belgium|brussels|st\.? ghislain": Place("eu-west-3", "europe-west1", "westeurope"),
    r"netherlands|amsterdam|holland|eemshaven": Place("eu-central-1", "europe-west4", "westeurope"),
    r"west europe": Place("eu-west-1", "europe-west4", "westeurope", 2),
    r"warsaw|poland": Place("eu-central-1", "europe-central2", "polandcentral"),
    r"poland central": Place("eu-central-1", "europe-central2", "polandcentral", 2),
    r"europe|the eu|eu": Place("eu-west-1", "europe-west1", "westeurope", 1),
    # Middle East and Africa
    r"tel aviv|israel": Place("il-central-1", "me-west1", "israelcentral"),
    r"bahrain": Place("me-south-1", "me-central1", "uaenorth"),
    r"dubai|abu dhabi|uae|united arab emirates": Place("me-central-1", "me-central1", "uaenorth"),
    r"doha|qatar": Place("me-central-1", "me-central1", "qatarcentral"),
    r"cape town|johannesburg|south africa": Place("af-south-1", "africa-south1", "southafricanorth"),
    r"middle east": Place("me-central-1", "me-central1", "uaenorth", 1),
    r"africa": Place("af-south-1", "africa-south1", "southafricanorth", 1),
    # Asia Pacific
    r"tokyo|japan": Place("ap-northeast-1", "asia-northeast1", "japaneast"),
    r"japan east": Place("ap-northeast-1", "asia-northeast1", "japaneast", 2),
    r"osaka|japan west": Place("ap-northeast-3", "asia-northeast2", "japanwest"),
    r"seoul|south korea|korea": Place("ap-northeast-2", "asia-northeast3", "koreacentral"),
    r"korea central": Place("ap-northeast-2", "asia-northeast3", "koreacentral", 2),
    r"hong kong": Place("ap-east-1", "asia-east2", "eastasia"),
    r"east asia": Place("ap-east-1", "asia-east2", "eastasia", 2),
    r"taiwan|taipei": Place("ap-east-1", "asia-east1", "eastasia"),
    r"singapore": Place("ap-southeast-1", "asia-southeast1", "southeastasia"),
    r"southeast asia": Place("ap-southeast-1", "asia-southeast1", "southeastasia", 2),
    r"jakarta|indonesia": Place("ap-southeast-3", "asia-southeast2", "southeastasia"),
    r"sydney|australia|new south wales": Place("ap-southeast-2", "australia-southeast1", "australiaeast"),
    r"australia east": Place("ap-southeast-2", "australia-southeast1", "australiaeast", 2),
    r"melbourne|victoria, australia|australia southeast": Place("ap-southeast-4", "australia-southeast2", "australiasoutheast"),
    r"mumbai|india|pune": Place("ap-south-1", "asia-south1", "centralindia"),
    r"central india": Place("ap-south-1", "asia-south1", "centralindia", 2),
    r"hyderabad": Place("ap-south-2", "asia-south1", "southindia"),
    r"chennai|bangalore|bengaluru|south india": Place("ap-south-2", "asia-south1", "southindia"),
    r"delhi|new delhi": Place("ap-south-1", "asia-south2", "centralindia"),
    r"asia|apac|asia pacific": Place("ap-southeast-1", "asia-southeast1", "southeastasia", 1),
}

# The same places in German, French and Spanish (requests are not always written in English).
PLACE_ALIASES: dict[str, str] = {
    r"irland|irlande|irlanda": r"ireland|dublin",
    r"deutschland|allemagne|alemania|francfort|fr[aá]ncfort": r"frankfurt|germany",
    r"niederlanden?|pays-bas|pa[ií]ses bajos|holanda": r"netherlands|amsterdam|holland|eemshaven",
    r"frankreich|francia": r"paris|france",
    r"londres|vereinigtes k[oö]nigreich|royaume-uni|reino unido": (
        r"london|england|the uk|uk|united kingdom|britain|great britain"
    ),
    r"belgien|belgique|b[eé]lgica": r"belgium|brussels|st\.? ghislain",
    r"spanien|espagne|espa[nñ]a": r"madrid|spain",
    r"italien|italie|italia|mailand|milano": r"milan|italy",
    r"schweiz|suisse|suiza|z[uü]rich": r"z[uü]rich|switzerland|geneva",
    r"schweden|su[eè]de|suecia": r"stockholm|sweden",
    r"tokio|japon|jap[oó]n": r"tokyo|japan",
    r"singapur|singapour": r"singapore",
    r"kanada|canad[aá]": r"canada",
    r"brasilien|br[eé]sil|brasil": r"s[aã]o paulo|brazil",
    r"estados unidos|[eé]tats-unis|vereinigte staaten|ee\.? ?uu\.?": r"the us|the usa|united states|usa|north america",
    r"europa": r"europe|the eu|eu",
}
PLACES.update({alias: PLACES[canonical] for alias, canonical in PLACE_ALIASES.items()})

# --- application ---------------------------------------------------------------------------------

FRAMEWORKS: dict[str, str] = {
    r"fast ?api": "fastapi",
    r"django(?: rest framework)?": "django",
    r"flask": "flask",
    r"express(?:\.?js)?": "express",
    r"next(?:\.js|js| js)|next\.?js": "nextjs",
    r"nest(?:\.js|js| js)|nestjs": "nestjs",
    r"spring(?: ?boot)?": "spring",
    r"gin(?:-gonic)?": "gin",
    r"ruby on rails|rails|ror": "rails",
    r"laravel": "laravel",
    r"asp\.?net(?: core)?|aspnet(?: ?core)?": "aspnet",
}

# Frameworks dev-agent does not template: the language they run on, or None when it is unsupported.
OTHER_FRAMEWORKS: dict[str, tuple[str, str | None]] = {
    r"phoenix": ("Phoenix", None),
    r"elixir": ("Elixir", None),
    r"play framework|scala": ("Scala/Play", None),
    r"vapor|swift": ("Swift", None),
    r"haskell": ("Haskell", None),
    r"clojure": ("Clojure", None),
    r"perl": ("Perl", None),
    r"c\+\+|cpp": ("C++", None),
    r"sinatra|hanami": ("Sinatra/Hanami", "ruby"),
    r"koa|hapi|fastify|nuxt(?:\.?js)?|remix|sveltekit|svelte|angular|react|vue(?:\.?js)?|deno|bun": ("that JavaScript framework", "node"),
    r"quarkus|micronaut|dropwizard|kotlin|ktor": ("that JVM framework", "java"),
    r"echo|fiber|chi|beego": ("that Go framework", "go"),
    r"symfony|slim|codeigniter|wordpress": ("that PHP framework", "php"),
    r"starlette|tornado|pyramid|sanic|aiohttp|streamlit": ("that Python framework", "python"),
    r"actix(?:-web)?|axum|rocket": ("that Rust framework", "rust"),
    r"blazor": ("Blazor", "dotnet"),
}

# Language words (case-insensitive unless noted in the parser) -> language.
LANGUAGES: dict[str, str] = {
    r"python|py": "python",
    r"node(?:\.?js)?|javascript|typescript|js|ts": "node",
    r"golang": "go",
    r"java|jdk|jvm": "java",
    r"ruby": "ruby",
    r"php": "php",
    r"\.net|dotnet|c#|csharp": "dotnet",
    r"rust": "rust",
}

# --- data services -------------------------------------------------------------------------------

DATABASES: dict[str, str] = {
    r"postgres(?:ql)?|postgre|psql|pg": "postgres",
    r"mysql|mariadb": "mysql",
    r"mongo(?:db)?": "mongodb",
    # "SQL Server 2022 Standard edition": release and edition belong to the mention (so "Express" is no Node framework)
    r"(?:microsoft |ms )?(?:sql ?server|mssql|ms sql)(?:\s+20[12]\d)?(?:\s+(?:express|web|standard|enterprise)"
    r"(?:\s+edition)?)?": "sqlserver",
}
UNSUPPORTED_DATABASES: dict[str, str] = {
    r"dynamo ?db|dynamo": "DynamoDB",
    r"cassandra|scylla(?:db)?": "Cassandra",
    r"oracle(?: db)?": "Oracle",
    r"cockroach(?:db)?": "CockroachDB",
    r"firestore|firebase": "Firestore",
    r"spanner": "Spanner",
    r"bigtable": "Bigtable",
    r"neo4j": "Neo4j",
    r"couchbase|couchdb": "CouchDB",
    r"sqlite": "SQLite",
}
CACHES: dict[str, str] = {r"redis|valkey|sidekiq": "redis", r"memcached?": "memcached"}
QUEUES: dict[str, str] = {
    r"sqs": "sqs",
    r"rabbit ?mq|rabbit|amqp": "rabbitmq",
    r"kafka": "kafka",
    r"pub ?/ ?sub|pubsub|pub sub": "pubsub",
    r"service ?bus": "servicebus",
}
SEARCHES: dict[str, str] = {r"open ?search|elastic ?search|elk": "opensearch"}
MONITORING: dict[str, str] = {
    r"prometheus": "prometheus",
    r"grafana": "grafana",
    r"data ?dog": "datadog",
    r"new ?relic": "newrelic",
    r"cloud ?watch": "cloudwatch",
}

# Generic words for a kind of service (used for "a database", "no cache", ...).
GENERIC: dict[str, str] = {
    "database": r"databases?|db|dbs|sql database|relational database|rdbms|datastore|data store",
    "cache": r"(?<!edge )(?<!cdn )(?<!cloudfront )(?:cache|caching(?: layer)?)",  # edge caching is the CDN
    "queue": r"(?:message |job |task |work )?queues?|message broker|broker|messaging",
    "search": r"full[- ]text search|search engine|search cluster|search index",
    "bucket": r"buckets?|object storage|object store|file storage",
    "monitoring": r"monitoring|observability|metrics",
}

# The queue used when a request just asks for "a queue" or names one its cloud does not offer.
DEFAULT_QUEUE: dict[str, str] = {"aws": "sqs", "gcp": "pubsub", "azure": "servicebus"}

# --- tier, compute -------------------------------------------------------------------------------

TIERS: dict[str, str] = {
    r"production|prod|producci[oó]n|produktion|produktiv(?:e|umgebung)?": "prod",
    r"staging|stage|stg|qa|uat|pre-?prod(?:uction)?|integration": "staging",
    r"dev|development|sandbox|preview|playground|scratch|test(?:ing)?|demo|ephemeral|feature": "dev",
}

COMPUTE_WORDS: dict[str, str] = {
    r"kubernetes|k8s|k3s|pods?|helm|kube": "kubernetes",
    r"serverless|faas|functions?": "functions",
    r"vms?|virtual machines?|single server|one server|a server|bare server|droplet|instance of ec2": "vm",
    r"containers?|containerized|docker": "containers",
}

# Nouns that name the thing being deployed; a request with none of them (and no framework,
# language or data service) names no workload.
WORKLOAD_NOUNS = (
    r"apps?|applications?|api|apis|services?|svc|microservices?|site|website|web ?app|backend|frontend|"
    r"monolith|worker|workers|bot|dashboard|server|cron|job|jobs|frontend|portal|platform"
)

# Words that never name a service ("the new service", "a small api").
NOT_SERVICE_NAMES = frozenset(
    ["a", "an", "the", "our", "my", "your", "their", "this", "that", "new", "small", "tiny", "simple", "basic", "big", "large", "web", "rest", "http", "https", "grpc", "internal", "public", "private", "sample", "test", "demo", "whole", "single", "main", "existing", "backend", "frontend", "api", "app", "service", "services", "svc", "microservice", "python", "node", "go", "golang", "java", "ruby", "php", "dotnet", "rust", "typescript", "javascript", "js", "ts", "kotlin", "containerized", "serverless", "docker", "kubernetes", "k8s", "dev", "staging", "prod", "production", "preview", "sandbox", "stateless", "celery", "sidekiq", "gunicorn", "uvicorn", "nginx", "puma", "rq", "resque", "hangfire", "bullmq", "cron", "graphql", "websocket", "static", "stateful", "lightweight", "full", "fullstack", "full-stack", "some", "another", "second", "first", "and", "or", "with", "for", "on", "in", "no", "any", "without", "domain", "custom", "nat", "intranet", "la", "el", "le", "les", "los", "las", "une", "un", "der", "die", "das", "eine", "ein", "unsere", "notre", "nuestra", "mi", "mon", "ma"]
)

# Words a one-letter misspelling is read as (six letters or more; five-letter words only by two swapped letters).
TYPO_WORDS = (
    "flask", "mysql", "redis", "rails", "kafka", "azure",  # five letters: only two swapped neighbours count
    "django", "fastapi", "express", "laravel", "postgres", "postgresql", "mongodb", "memcached", "rabbitmq",
    "kubernetes", "prometheus", "grafana", "datadog", "newrelic", "cloudwatch", "elasticsearch", "opensearch",
    "belgium", "frankfurt", "ireland", "london", "sydney", "singapore", "virginia", "oregon", "germany", "france",
    "netherlands", "amsterdam", "stockholm", "mumbai", "toronto", "montreal", "california", "canada", "brazil",
    "australia", "python", "golang", "typescript", "javascript", "production", "staging",
)
# Real words one letter away from a TYPO_WORDS entry: never corrected.
NOT_TYPOS = frozenset("""
    expressed expresso pythons stating stacking statin starting landon london's oregano posters postage
    frankly canadas brazils jython cython python3 goland django's googled franc golan
""".split())
