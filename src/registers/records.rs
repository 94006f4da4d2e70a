//! What the registers answer, in their own shapes (only the fields we read).
//!
//! - CQC public API v1: `GET /locations/{locationId}` and
//!   `GET /providers/{providerId}` (camelCase JSON; 404 for an unknown id).
//! - ODS ORD 2-0-0: `GET /organisations/{code}` (`{"Organisation": {...}}`).
//! - DSPT: the published status per organisation code and year. The public
//!   organisation search has no documented API; we assume
//!   `GET {base}/OrganisationSearch/{code}` with `Accept: application/json`
//!   answering `{"organisationCode", "organisationName", "assessments":
//!   [{"year": "2025-26", "status": "Standards Met", "publishedDate"}]}`
//!   (404 when the code is unknown). README documents this shape.

use serde::Deserialize;

/// A register's answer to one lookup.
#[derive(Clone, Debug, PartialEq)]
pub enum Fetch<T> {
    Found(T),
    /// The register does not know the identifier (HTTP 404).
    NotFound,
    /// The register could not be asked (timeout, refused, 5xx, bad answer).
    Unreachable(String),
}

impl<T> Fetch<T> {
    pub fn found(&self) -> Option<&T> {
        match self {
            Fetch::Found(t) => Some(t),
            _ => None,
        }
    }
}

/// A CQC location (`GET /locations/{id}`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct CqcLocation {
    pub location_id: String,
    pub provider_id: Option<String>,
    pub name: Option<String>,
    pub postal_address_line1: Option<String>,
    pub postal_address_line2: Option<String>,
    pub postal_address_town_city: Option<String>,
    pub postal_code: Option<String>,
    pub main_phone_number: Option<String>,
    /// `Registered` or `Deregistered`.
    pub registration_status: Option<String>,
    pub registration_date: Option<String>,
    pub deregistration_date: Option<String>,
    /// `Y` or `N`.
    pub care_home: Option<String>,
    pub ods_code: Option<String>,
    pub onspd_icb_code: Option<String>,
    pub onspd_icb_name: Option<String>,
    pub regulated_activities: Vec<RegulatedActivity>,
}

/// One regulated activity of a location, with its contacts.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct RegulatedActivity {
    pub name: Option<String>,
    pub code: Option<String>,
    pub contacts: Vec<CqcContact>,
}

/// A named person of a regulated activity.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct CqcContact {
    pub person_title: Option<String>,
    pub person_given_name: Option<String>,
    pub person_family_name: Option<String>,
    /// e.g. `Registered Manager`.
    pub person_roles: Vec<String>,
}

impl CqcLocation {
    /// The registered managers named on any regulated activity, once each.
    pub fn registered_managers(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in self.regulated_activities.iter().flat_map(|a| &a.contacts) {
            let is_manager = c
                .person_roles
                .iter()
                .any(|r| r.to_ascii_lowercase().contains("registered manager"));
            let name = [&c.person_given_name, &c.person_family_name]
                .into_iter()
                .flatten()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if is_manager && !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }

    /// The address as one line, without the postcode.
    pub fn address(&self) -> String {
        [
            &self.postal_address_line1,
            &self.postal_address_line2,
            &self.postal_address_town_city,
        ]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// A CQC provider (`GET /providers/{id}`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct CqcProvider {
    pub provider_id: String,
    pub name: Option<String>,
    pub location_ids: Vec<String>,
}

/// The ODS ORD answer: `{"Organisation": {...}}`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct OdsAnswer {
    #[serde(rename = "Organisation")]
    pub organisation: OdsOrganisation,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct OdsOrganisation {
    #[serde(rename = "Name")]
    pub name: Option<String>,
    #[serde(rename = "OrgId")]
    pub org_id: OdsOrgId,
    /// `Active` or `Inactive`.
    #[serde(rename = "Status")]
    pub status: Option<String>,
    #[serde(rename = "GeoLoc")]
    pub geo_loc: Option<OdsGeoLoc>,
    #[serde(rename = "Rels")]
    pub rels: Option<OdsRels>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct OdsOrgId {
    pub extension: String,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct OdsGeoLoc {
    #[serde(rename = "Location")]
    pub location: OdsLocation,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct OdsLocation {
    #[serde(rename = "AddrLn1")]
    pub addr_ln1: Option<String>,
    #[serde(rename = "Town")]
    pub town: Option<String>,
    #[serde(rename = "PostCode")]
    pub post_code: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct OdsRels {
    #[serde(rename = "Rel")]
    pub rel: Vec<OdsRel>,
}

/// A relationship; `RE6` is "is operated by" (the site's head office).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct OdsRel {
    pub id: String,
    #[serde(rename = "Status")]
    pub status: Option<String>,
    #[serde(rename = "Target")]
    pub target: OdsTarget,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct OdsTarget {
    #[serde(rename = "OrgId")]
    pub org_id: OdsOrgId,
}

impl OdsOrganisation {
    /// The organisation that operates this site (active `RE6`), if any.
    pub fn head_office(&self) -> Option<&str> {
        self.rels
            .iter()
            .flat_map(|r| &r.rel)
            .find(|r| r.id == "RE6" && r.status.as_deref().is_none_or(|s| s == "Active"))
            .map(|r| r.target.org_id.extension.as_str())
            .filter(|c| !c.is_empty())
    }
}

/// The DSPT's published statuses for one organisation code (assumed shape).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct DsptOrganisation {
    pub organisation_code: String,
    pub organisation_name: Option<String>,
    pub assessments: Vec<DsptAssessment>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct DsptAssessment {
    /// `2025-26`.
    pub year: String,
    /// `Standards Exceeded`, `Standards Met`, `Approaching Standards`,
    /// `Standards Not Met`, `Not Published`.
    pub status: String,
    pub published_date: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_cqc_location_in_the_real_shape() {
        let json = r#"{"locationId":"1-123456789","providerId":"1-101","name":"Rose Hill",
          "postalAddressLine1":"1 Rose Hill","postalAddressTownCity":"Leeds","postalCode":"LS6 2AB",
          "mainPhoneNumber":"01134960000","registrationStatus":"Registered","careHome":"Y",
          "odsCode":"VN4AB","onspdIcbCode":"QWO","type":"Social Care Org",
          "regulatedActivities":[{"name":"Accommodation for persons who require nursing or personal care","code":"RA2",
            "contacts":[{"personTitle":"Mrs","personGivenName":"Jane","personFamilyName":"Smith",
              "personRoles":["Registered Manager"]}]}]}"#;
        let loc: CqcLocation = serde_json::from_str(json).unwrap();
        assert_eq!(loc.registered_managers(), vec!["Jane Smith".to_string()]);
        assert_eq!(loc.address(), "1 Rose Hill, Leeds");
        assert_eq!(loc.ods_code.as_deref(), Some("VN4AB"));
    }

    #[test]
    fn finds_the_head_office_in_ods_rels() {
        let json = r#"{"Organisation":{"Name":"ROSE HILL","OrgId":{"root":"2.16.840.1.113883.2.1.3.2.4.18.48","assigningAuthorityName":"HSCIC","extension":"VN4AB"},
          "Status":"Active","GeoLoc":{"Location":{"AddrLn1":"1 ROSE HILL","Town":"LEEDS","PostCode":"LS6 2AB"}},
          "Rels":{"Rel":[{"Date":[{"Type":"Operational","Start":"2015-01-01"}],"Status":"Inactive","Target":{"OrgId":{"extension":"OLD1"}},"id":"RE6"},
                         {"Date":[{"Type":"Operational","Start":"2020-01-01"}],"Status":"Active","Target":{"OrgId":{"extension":"VM1HQ"},"PrimaryRoleId":{"id":"RO104"}},"id":"RE6","uniqueRelId":1}]}}}"#;
        let ods: OdsAnswer = serde_json::from_str(json).unwrap();
        assert_eq!(ods.organisation.head_office(), Some("VM1HQ"));
    }
}
