//! A stand-in for the CQC, ODS and DSPT registers: a small HTTP/1.1 server
//! on loopback (an ephemeral port, one thread per connection) serving
//! synthetic answers in the real APIs' shapes. A test adds the records it
//! needs and can make the whole server fail (500) or answer too slowly,
//! then put it right between rounds.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The key the daemon must send in `Ocp-Apim-Subscription-Key`.
pub const CQC_KEY: &str = "test-cqc-subscription-key";

/// How the server answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Up,
    /// Every request gets HTTP 500.
    Failing,
    /// Every answer comes after 3 seconds (longer than the test's timeout).
    Slow,
}

#[derive(Default)]
struct State {
    mode: Option<Mode>,
    /// Path (e.g. `/cqc/locations/1-1`) to JSON body.
    records: HashMap<String, Value>,
    /// Paths asked for, in order.
    hits: Vec<String>,
}

/// The running server. It lives as long as the test process.
#[derive(Clone)]
pub struct Registers {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

/// What a synthetic care home looks like on the registers.
#[derive(Clone, Debug)]
pub struct Home {
    pub cqc_id: String,
    pub name: String,
    pub status: &'static str,
    pub care_home: &'static str,
    pub manager: (&'static str, &'static str),
    pub ods_code: String,
    pub dspt: &'static str,
}

impl Home {
    /// A home that agrees with `mail::form_body(name, ..)`.
    pub fn matching(cqc_id: &str, name: &str, ods_code: &str) -> Home {
        Home {
            cqc_id: cqc_id.into(),
            name: name.into(),
            status: "Registered",
            care_home: "Y",
            manager: ("Jane", "Carer"),
            ods_code: ods_code.into(),
            dspt: "Standards Met",
        }
    }
}

impl Registers {
    pub fn start() -> Registers {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the register server");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(Mutex::new(State {
            mode: Some(Mode::Up),
            ..State::default()
        }));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = shared.clone();
                std::thread::spawn(move || serve(stream, &s));
            }
        });
        Registers { port, state }
    }

    pub fn set_mode(&self, mode: Mode) {
        self.state.lock().unwrap().mode = Some(mode);
    }

    /// The paths asked for so far.
    pub fn hits(&self) -> Vec<String> {
        self.state.lock().unwrap().hits.clone()
    }

    fn put(&self, path: String, body: Value) {
        self.state.lock().unwrap().records.insert(path, body);
    }

    /// Adds a home: its CQC location and provider, its ODS site and head
    /// office, and its DSPT status for 2025-26.
    pub fn add(&self, h: &Home) {
        let provider = format!("1-9{}", &h.cqc_id[2..]);
        let head = format!("HQ{}", &h.ods_code);
        self.put(
            format!("/cqc/locations/{}", h.cqc_id),
            json!({
                "locationId": h.cqc_id, "providerId": provider, "organisationType": "Location",
                "type": "Social Care Org", "name": h.name, "onspdCcgCode": "E38000225",
                "onspdIcbCode": "QWO", "onspdIcbName": "NHS West Yorkshire Integrated Care Board",
                "odsCode": h.ods_code, "registrationStatus": h.status,
                "registrationDate": "2015-04-01",
                "deregistrationDate": if h.status == "Registered" { Value::Null } else { json!("2025-09-30") },
                "dormancy": "N", "numberOfBeds": 40, "postalAddressLine1": "12 Rose Lane",
                "postalAddressTownCity": "Leeds", "postalAddressCounty": "West Yorkshire",
                "region": "Yorkshire and The Humber", "postalCode": "LS1 4AB",
                "mainPhoneNumber": "01134960123", "careHome": h.care_home,
                "regulatedActivities": [{
                    "name": "Accommodation for persons who require nursing or personal care",
                    "code": "RA2",
                    "contacts": [{"personTitle": "Mrs", "personGivenName": h.manager.0,
                                  "personFamilyName": h.manager.1, "personRoles": ["Registered Manager"]}]
                }],
                "gacServiceTypes": [{"name": "Care home service without nursing", "description": "Care home service without nursing"}]
            }),
        );
        self.put(
            format!("/cqc/providers/{provider}"),
            json!({"providerId": provider, "name": format!("{} Ltd", h.name), "locationIds": [h.cqc_id]}),
        );
        self.put(
            format!("/ods/organisations/{}", h.ods_code),
            json!({"Organisation": {
                "Name": h.name.to_uppercase(), "Date": [{"Type": "Operational", "Start": "2015-04-01"}],
                "OrgId": {"root": "2.16.840.1.113883.2.1.3.2.4.18.48", "assigningAuthorityName": "HSCIC", "extension": h.ods_code},
                "Status": "Active", "LastChangeDate": "2025-01-01", "orgRecordClass": "RC2",
                "GeoLoc": {"Location": {"AddrLn1": "12 ROSE LANE", "Town": "LEEDS", "PostCode": "LS1 4AB", "Country": "ENGLAND"}},
                "Roles": {"Role": [{"id": "RO198", "uniqueRoleId": 1, "primaryRole": true, "Date": [{"Type": "Operational", "Start": "2015-04-01"}], "Status": "Active"}]},
                "Rels": {"Rel": [{"Date": [{"Type": "Operational", "Start": "2015-04-01"}], "Status": "Active",
                    "Target": {"OrgId": {"root": "2.16.840.1.113883.2.1.3.2.4.18.48", "assigningAuthorityName": "HSCIC", "extension": head},
                               "PrimaryRoleId": {"id": "RO104", "uniqueRoleId": 2}},
                    "id": "RE6", "uniqueRelId": 3}]}
            }}),
        );
        self.put(
            format!("/ods/organisations/{head}"),
            json!({"Organisation": {"Name": format!("{} LTD", h.name.to_uppercase()),
                "OrgId": {"extension": head}, "Status": "Active",
                "GeoLoc": {"Location": {"AddrLn1": "1 HEAD OFFICE ROAD", "Town": "LEEDS", "PostCode": "LS2 7AA"}}}}),
        );
        self.put(
            format!("/dspt/OrganisationSearch/{}", h.ods_code),
            json!({"organisationCode": h.ods_code, "organisationName": h.name,
                   "assessments": [{"year": "2025-26", "status": h.dspt, "publishedDate": "2026-06-27"},
                                   {"year": "2024-25", "status": "Standards Met", "publishedDate": "2025-06-28"}]}),
        );
    }

    /// The `[registers]` section pointing at this server.
    pub fn config(&self) -> String {
        let base = format!("http://127.0.0.1:{}", self.port);
        format!(
            "\n[registers]\ncqc_key_env = \"SI_TEST_CQC_KEY\"\ncqc_base_url = \"{base}/cqc\"\n\
             ods_base_url = \"{base}/ods\"\ndspt_base_url = \"{base}/dspt\"\n\
             sponsor_icb_code = \"QWO\"\ntimeout_seconds = 1\nretries = 1\nretry_backoff_ms = 100\n\
             check_budget_seconds = 4\nrecheck_schedule = \"0 */15 * * * *\"\n"
        )
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut key = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = h.split_once(':')
            && name
                .trim()
                .eq_ignore_ascii_case("Ocp-Apim-Subscription-Key")
        {
            key = Some(value.trim().to_string());
        }
    }
    let (mode, record) = {
        let mut s = state.lock().unwrap();
        s.hits.push(path.clone());
        (s.mode.unwrap_or(Mode::Up), s.records.get(&path).cloned())
    };
    let (status, body) = match mode {
        Mode::Failing => (500, json!({"message": "Internal Server Error"})),
        _ if path.starts_with("/cqc/") && key.as_deref() != Some(CQC_KEY) => (
            401,
            json!({"statusCode": 401, "message": "Access denied due to missing subscription key."}),
        ),
        _ => match record {
            Some(r) => (200, r),
            None if path.starts_with("/cqc/") => (
                404,
                json!({"statusCode": 404, "message": "No Locations found for the given criteria"}),
            ),
            None => (404, json!({"errorCode": 404, "errorText": "Not found"})),
        },
    };
    if mode == Mode::Slow {
        std::thread::sleep(Duration::from_secs(3));
    }
    let body = body.to_string();
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    let mut out = stream;
    let _ = write!(
        out,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = out.flush();
}
