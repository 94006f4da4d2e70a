//! Fictional people, homes, places and phrases the draws are made from
//! (`*.example*` domains, Ofcom drama telephone ranges).

pub const FIRST: &[&str] = &[
    "Jane",
    "Tom",
    "Sandra",
    "Paul",
    "Chloe",
    "Imran",
    "Rebecca",
    "Bethan",
    "Margaret",
    "Daniel",
    "Lisa",
    "Kerry-Ann",
    "Michael",
    "Ruth",
    "Olivia",
    "Hannah",
    "Stephen",
    "Neil",
    "Amanda",
    "Rob",
    "Linda",
    "Carl",
    "Peter",
    "Zoë",
    "Priya",
    "Gareth",
    "Siobhan",
    "Kwame",
    "Agnieszka",
    "Renée",
    "Mohammed",
    "Fiona",
    "Dave",
    "Grace",
    "Joanne",
];

pub const LAST: &[&str] = &[
    "Smith",
    "Hughes",
    "McAllister",
    "Green",
    "Barnes",
    "Shah",
    "Lowe",
    "Prys",
    "Thompson",
    "Mensah",
    "Walsh",
    "Brennan",
    "Gallagher",
    "Bennett",
    "Clarke",
    "Ward",
    "Robson",
    "Fletcher",
    "Kaye",
    "Barker",
    "Jenkins",
    "Lawson",
    "O'Neill",
    "Patel",
    "Nowak",
    "Okafor",
    "Davies",
    "Fitzgerald",
    "Murray",
    "Ashworth",
    "Begum",
    "Sutcliffe",
];

pub const HOME_FIRST: &[&str] = &[
    "Rose Hill",
    "Hawthorn Court",
    "Oakwood",
    "Silverdale",
    "Riverside",
    "Greenacres",
    "Brookside",
    "Larchwood",
    "Elmtree",
    "Headingley Park",
    "Moorlands",
    "Bramley",
    "Heatherbank",
    "Poplars",
    "Millbrook",
    "Thornbury",
    "Fairview",
    "Ashgrove",
    "Willow Bank",
    "Meadow View",
    "Beechcroft",
    "St Anne's",
    "Harewood",
    "Kirkstall Lodge",
];

pub const HOME_KIND: &[&str] = &[
    "Care Home",
    "House",
    "Nursing Home",
    "Care Centre",
    "Residential Home",
    "Lodge",
    "Court",
];

/// (district, town, postcode area)
pub const PLACES: &[(&str, &str, &str)] = &[
    ("Headingley", "Leeds", "LS6"),
    ("Morley", "Leeds", "LS27"),
    ("Roundhay", "Leeds", "LS8"),
    ("Cookridge", "Leeds", "LS16"),
    ("Seacroft", "Leeds", "LS14"),
    ("Halton", "Leeds", "LS15"),
    ("Yeadon", "Leeds", "LS19"),
    ("Ilkley", "Ilkley", "LS29"),
    ("Shipley", "Bradford", "BD18"),
    ("Otley", "Otley", "LS21"),
    ("Garforth", "Leeds", "LS25"),
];

pub const STREET_KIND: &[&str] = &[
    "Avenue", "Road", "Lane", "Street", "Grove", "Close", "Drive",
];

pub const ROLES: &[&str] = &[
    "Registered Manager",
    "Home Manager",
    "Deputy Manager",
    "Care Home Manager",
    "Administrator",
    "Clinical Lead",
    "Operations Manager",
    "Office Manager",
];

pub const REASONS: &[&str] = &[
    "We receive discharge summaries and referrals from the hospital",
    "Discharge summaries, GP correspondence and safeguarding referrals",
    "Medication queries with the pharmacy and letters from GP practices",
    "To send residents' care plans to the district nurses securely",
    "Hospital discharge paperwork and GP letters",
];

pub const BENEFITS: &[&str] = &[
    "Faster, secure exchange of resident information with GP practices",
    "Secure email instead of fax",
    "Quicker answers from the pharmacy and GP",
    "All senior carers would be able to deal with GP and hospital emails",
    "Less time spent on the phone chasing discharge letters",
];

pub const JUSTIFICATIONS: &[&str] = &[
    "We run three units on separate floors, each with its own nurse in charge who needs an account",
    "Our night staff also handle hospital discharges and need their own accounts",
    "The home has 80 beds and two deputy managers plus a clinical lead",
];

pub const CQC_CERT: &str =
    "Care Quality Commission\nCertificate of Registration\nRegistered manager certificate";
