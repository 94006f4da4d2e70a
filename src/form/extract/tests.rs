use super::build::split_name_and_address;
use super::*;
use crate::form::Field;
use crate::form::document::Cell;

fn body(text: &str) -> Document {
    let mut doc = Document::new("email body");
    for (i, line) in text.lines().enumerate() {
        doc.push_text(line, format!("line {}", i + 1));
    }
    doc
}

fn table(rows: &[&[&str]]) -> Document {
    let rows = rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            row.iter()
                .enumerate()
                .map(|(c, t)| Cell::new(*t, format!("row {}, cell {}", r + 1, c + 1)))
                .collect()
        })
        .collect();
    Document {
        source: "form.docx".into(),
        blocks: vec![Block::Table {
            rows,
            place: "table 1".into(),
        }],
    }
}

#[test]
fn text_body_labels_and_continuations() {
    let doc = body(
        "Hi,\n\nName: Dawn Whitaker\nRole: Deputy Manager\nEmail: Dawn@Elm.example.org\nCare home: Elmfield\n\
         Address: 5 Elm Grove, Leeds, LS25 1BT\nTel: 0113 496 0267\nCQC number: 1-105647382\n\
         IG Toolkit completed: yes - completed March 2024\nExisting NHSmail accounts: No\n\
         Need to exchange data securely: Yes\nReason: GP letters\nAccounts:\n  - Dawn Whitaker, dawn.whitaker, 07700 900214\n\
         \x20 - Karen Holt, karen.holt, 07700 900215\nShared mailbox: Yes\nMailbox name: ElmfieldGarforth\n\
         Mailbox owner: Dawn Whitaker, 07700 900214\nBenefits: No fax\n\nThanks\nDawn",
    );
    let (form, prov) = extract(&[doc]);
    assert_eq!(form.applicant_name.as_deref(), Some("Dawn Whitaker"));
    assert_eq!(
        form.applicant_email.as_deref(),
        Some("dawn@elm.example.org")
    );
    assert_eq!(
        form.care_home_address.as_deref(),
        Some("5 Elm Grove, Leeds, LS25 1BT")
    );
    assert_eq!(form.ig_toolkit_completed, Some(true));
    assert_eq!(form.has_existing_nhsmail_accounts, Some(false));
    assert_eq!(form.secure_exchange_reason.as_deref(), Some("GP letters"));
    assert_eq!(form.individual_accounts_requested, Some(2));
    assert_eq!(form.accounts.len(), 2);
    assert_eq!(form.shared_mailbox_owner.as_deref(), Some("Dawn Whitaker"));
    assert_eq!(
        form.shared_mailbox_owner_mobile.as_deref(),
        Some("07700 900214")
    );
    assert_eq!(form.expected_benefits.as_deref(), Some("No fax"));
    assert_eq!(
        prov.get(&Field::CqcRegistrationNumber)
            .map(ToString::to_string)
            .as_deref(),
        Some("email body, line 9")
    );
}

#[test]
fn question_answered_on_the_next_line() {
    let doc = body(
        "What benefits do you expect from using NHSmail?\nFaster referrals\nand fewer faxes\n\nKind regards",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(
        form.expected_benefits.as_deref(),
        Some("Faster referrals and fewer faxes")
    );
}

#[test]
fn appendix_table_with_merged_cells() {
    let doc = table(&[
        &["Name:", "Jane Smith", "Role:", "Registered Manager"],
        &[
            "Email address:",
            "Jane.Smith@Example.org",
            "Jane.Smith@Example.org",
            "Jane.Smith@Example.org",
        ],
        &[
            "Organisation name and address:",
            "Rose Hill Care Home\n14 Rosehill Avenue\nLeeds\nLS6 3QZ",
            "",
            "",
        ],
        &["CQC registration number:", "1 – 1095 23847", "", ""],
        &[
            "Confirm that you have completed the IG Toolkit. For further information see: https://www.igt.hscic.gov.uk/",
            "Yes/",
            "",
            "",
        ],
        &[
            "Does your care home already hold any NHSmail accounts? Y/N",
            "No",
            "If yes, please provide the email address(es):",
            "",
        ],
        &[
            "Confirm that your care home has a regular requirement to exchange data securely and why",
            "Yes",
            "Discharge summaries",
            "Discharge summaries",
        ],
        &[
            "Number of individual person accounts required, preferred account name and mobile number for each account owner:",
            "Note: a maximum of 3 user accounts will be provided. Please provide a business justification if you require more than this.",
            "2\nJane Smith – jane.smith – 07700 900123\nTom Hughes – 07700 900456",
            "",
        ],
        &[
            "Do you require a shared mailbox for your care home? If yes, please state the preferred mailbox name (it may not be possible to use the exact name requested). Please also confirm the account owner name and mobile number:",
            "Note: The sponsoring organisation's short name will automatically preface the shared mailbox email address.",
            "Yes\nPreferred mailbox name: RoseHillLeeds\nOwner: Jane Smith – 07700 900123",
            "",
        ],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.applicant_name.as_deref(), Some("Jane Smith"));
    assert_eq!(form.applicant_role.as_deref(), Some("Registered Manager"));
    assert_eq!(
        form.applicant_email.as_deref(),
        Some("jane.smith@example.org")
    );
    assert_eq!(form.care_home_name.as_deref(), Some("Rose Hill Care Home"));
    assert_eq!(
        form.care_home_address.as_deref(),
        Some("14 Rosehill Avenue, Leeds, LS6 3QZ")
    );
    assert_eq!(form.cqc_registration_number.as_deref(), Some("1-109523847"));
    assert_eq!(form.ig_toolkit_completed, Some(true));
    assert_eq!(form.has_existing_nhsmail_accounts, Some(false));
    assert_eq!(form.secure_exchange_required, Some(true));
    assert_eq!(
        form.secure_exchange_reason.as_deref(),
        Some("Discharge summaries")
    );
    assert_eq!(form.individual_accounts_requested, Some(2));
    assert_eq!(form.accounts.len(), 2);
    assert_eq!(
        form.accounts
            .get(1)
            .and_then(|a| a.preferred_account_name.clone()),
        None
    );
    assert_eq!(form.shared_mailbox_required, Some(true));
    assert_eq!(form.shared_mailbox_name.as_deref(), Some("RoseHillLeeds"));
}

#[test]
fn spreadsheet_accounts_table_and_count_from_owners() {
    let doc = table(&[
        &["Your name", "Chinedu Okafor", ""],
        &["Job title", "Owner", ""],
        &["Number of individual accounts required", "", ""],
        &["Individual accounts – one row per account owner", "", ""],
        &["Name", "Preferred account name", "Mobile number"],
        &["Chinedu Okafor", "chinedu.okafor", "07700 900563"],
        &["Margaret Ellis", "margaret.ellis", "07700 900564"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.applicant_role.as_deref(), Some("Owner"));
    assert_eq!(form.accounts.len(), 2);
    assert_eq!(form.individual_accounts_requested, Some(2));
}

#[test]
fn labels_above_values() {
    let doc = table(&[
        &["Name", "Role", "Email"],
        &["Ann Lee", "Manager", "ann@x.example.org"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.applicant_role.as_deref(), Some("Manager"));
    assert_eq!(form.applicant_email.as_deref(), Some("ann@x.example.org"));
}

#[test]
fn csv_account_rows() {
    let doc = table(&[
        &[
            "Account 1 (name / preferred account name / mobile)",
            "Renée Dubois",
            "renee.dubois",
            "07700 900512",
        ],
        &[
            "Account 2 (name / preferred account name / mobile)",
            "Hélène Martin",
            "helene.martin",
            "07700 900513",
        ],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.accounts.len(), 2);
    assert_eq!(form.individual_accounts_requested, Some(2));
}

#[test]
fn columns_laid_out_with_tabs_or_spaces() {
    let doc = body(
        "Name:\tAnn Lee\tRole:\tManager\nCQC registration number      1-123456789\nOrganisation name and address:\tElm House\n1 Elm Road\nLeeds",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form.applicant_role.as_deref(), Some("Manager"));
    assert_eq!(form.cqc_registration_number.as_deref(), Some("1-123456789"));
    assert_eq!(form.care_home_address.as_deref(), Some("1 Elm Road, Leeds"));
}

#[test]
fn cqc_in_a_sentence() {
    let doc = body("Sorry. Our CQC registration number is 1-108765432 and the report is attached.");
    let (form, _) = extract(&[doc]);
    assert_eq!(form.cqc_registration_number.as_deref(), Some("1-108765432"));
}

#[test]
fn name_and_address_on_one_line() {
    assert_eq!(
        split_name_and_address("Rose Hill Care Home, 14 Rosehill Avenue, Leeds"),
        (
            Some("Rose Hill Care Home".into()),
            Some("14 Rosehill Avenue, Leeds".into())
        )
    );
    assert_eq!(
        split_name_and_address("Rose Hill Care Home 14 Rosehill Avenue, Leeds"),
        (
            Some("Rose Hill Care Home".into()),
            Some("14 Rosehill Avenue, Leeds".into())
        )
    );
}

#[test]
fn prose_gives_nothing() {
    let doc = body(
        "Hello,\nCould you let me know how we apply? Is there any cost to the home?\nMany thanks",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form, Form::default());
}

#[test]
fn several_labels_on_one_line() {
    for line in [
        "Name: Jane Smith  Role: Registered Manager",
        "Name: Jane Smith Role: Registered Manager",
        "Name: Jane Smith\tRole: Registered Manager",
        "Name: Jane Smith | Role: Registered Manager",
    ] {
        let (form, _) = extract(&[body(line)]);
        assert_eq!(form.applicant_name.as_deref(), Some("Jane Smith"), "{line}");
        assert_eq!(
            form.applicant_role.as_deref(),
            Some("Registered Manager"),
            "{line}"
        );
    }
    let (form, _) = extract(&[body(
        "Name: Jane Smith Email address: jane@rose.example.org Tel: 0113 496 0000",
    )]);
    assert_eq!(form.applicant_name.as_deref(), Some("Jane Smith"));
    assert_eq!(
        form.applicant_email.as_deref(),
        Some("jane@rose.example.org")
    );
    assert_eq!(form.care_home_telephone.as_deref(), Some("0113 496 0000"));
}

#[test]
fn a_time_or_a_link_is_not_a_second_label() {
    let (form, _) = extract(&[body(
        "What benefits do you expect from using NHSmail? Referrals before 10:30 each day, see https://example.org",
    )]);
    assert_eq!(
        form.expected_benefits.as_deref(),
        Some("Referrals before 10:30 each day, see https://example.org")
    );
}

#[test]
fn mailbox_names_lose_their_decoration() {
    for (written, name, owner) in [
        ("\"RoseHillLeeds\"", "RoseHillLeeds", None),
        ("“RoseHillLeeds”", "RoseHillLeeds", None),
        (
            "RoseHillLeeds (owner Jane Smith)",
            "RoseHillLeeds",
            Some("Jane Smith"),
        ),
        (
            "'RoseHillLeeds' - owner: Jane Smith 07700 900123",
            "RoseHillLeeds",
            Some("Jane Smith"),
        ),
        ("RoseHillLeeds (if available)", "RoseHillLeeds", None),
        ("Rose Hill (Leeds)", "Rose Hill (Leeds)", None),
        ("Rose Hill - Leeds", "Rose Hill - Leeds", None),
    ] {
        let (form, _) = extract(&[body(&format!("Preferred mailbox name: {written}"))]);
        assert_eq!(form.shared_mailbox_name.as_deref(), Some(name), "{written}");
        assert_eq!(form.shared_mailbox_owner.as_deref(), owner, "{written}");
    }
}

#[test]
fn the_forms_printed_words_are_not_answers() {
    let doc = table(&[
        &["Name:", "Jane Smith", "Role:", "Manager"],
        &[
            "Confirm that you have completed the IG Toolkit.",
            "Yes (delete as appropriate)",
        ],
        &[
            "Does your care home already hold any NHSmail accounts? Y/N",
            "No",
            "If yes, please provide the email address(es):",
            "If yes, please list",
        ],
        &[
            "Number of individual person accounts required, preferred account name and mobile number for each account owner:",
            "Note: a maximum of 3 user accounts will be provided. Please provide a business justification if you require more than this.\n1. Jane Smith 07700 900123",
        ],
    ]);
    let (form, prov) = extract(&[doc]);
    assert_eq!(form.ig_toolkit_completed, Some(true));
    assert_eq!(form.has_existing_nhsmail_accounts, Some(false));
    assert!(form.existing_nhsmail_addresses.is_empty());
    assert_eq!(form.business_justification, None);
    assert_eq!(form.accounts.len(), 1);
    assert_eq!(form.accounts[0].name.as_deref(), Some("Jane Smith"));
    assert_eq!(prov[&Field::IgToolkitCompleted].guess, None);
}

#[test]
fn ticks_in_option_cells_and_columns() {
    for row in [
        &["IG Toolkit completed?", "Yes", "", "No", "X"][..],
        &["IG Toolkit completed?", "☐ Yes", "☒ No"][..],
        &["IG Toolkit completed?", "Yes", "☐", "No", "☒"][..],
        &["IG Toolkit completed?", "X", "Yes", "", "No"][..],
    ] {
        let (form, _) = extract(&[table(&[row])]);
        let want =
            Some(!row.contains(&"☒ No") && row.get(4) != Some(&"X") && row.get(4) != Some(&"☒"));
        assert_eq!(form.ig_toolkit_completed, want, "{row:?}");
    }
    let doc = table(&[
        &["", "Yes", "No"],
        &["Have you completed the DSPT?", "✓", ""],
        &["Do you already have NHSmail accounts?", "", "✓"],
        &["Do you need to exchange data securely?", "X", ""],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.ig_toolkit_completed, Some(true));
    assert_eq!(form.has_existing_nhsmail_accounts, Some(false));
    assert_eq!(form.secure_exchange_required, Some(true));
    assert_eq!(form.secure_exchange_reason, None);
}

#[test]
fn deferred_answers_are_not_given() {
    let (form, _) = extract(&[body(
        "Telephone: TBC\nCQC registration number: to follow\nEmail: will send later",
    )]);
    assert_eq!(form.care_home_telephone, None);
    assert_eq!(form.cqc_registration_number, None);
    assert_eq!(form.applicant_email, None);
}

#[test]
fn accounts_tables_with_numbers_examples_and_repeated_headers() {
    let doc = table(&[
        &["No.", "Name", "Preferred account name", "Mobile number"],
        &["e.g.", "Joe Bloggs", "joe.bloggs", "07700 900000"],
        &["1", "Jane Smith", "jane.smith", "07700 900123"],
        &["No.", "Name", "Preferred account name", "Mobile number"],
        &["2", "Tom Jones", "", "07700 900456"],
    ]);
    let (form, _) = extract(&[doc]);
    let names: Vec<_> = form
        .accounts
        .iter()
        .filter_map(|a| a.name.clone())
        .collect();
    assert_eq!(names, ["Jane Smith", "Tom Jones"]);
    assert_eq!(form.individual_accounts_requested, Some(2));
}

#[test]
fn accounts_as_lines_in_every_style() {
    for text in [
        "Accounts:\n1. Jane Smith 07700 900123\n2. Tom Jones 07700 900456",
        "Accounts:\n• Jane Smith – 07700 900123\n• Tom Jones – 07700 900456",
        "Accounts:\n1) Jane Smith, 07700 900123\n2) Tom Jones, 07700 900456",
        "Accounts:\n- Smith, Jane – 07700 900123\n- Jones, Tom – 07700 900456",
        "Accounts:\nName – preferred account name – mobile\nJane Smith – jane.smith – 07700 900123\nTom Jones – tom.jones – 07700 900456",
        "Account 1: Jane Smith, mobile 07700 900123\nAccount 2: Tom Jones, account name tom.jones, mobile 07700 900456",
        "Number of accounts: 2\nUser 1: Jane Smith (mob 07700 900123)\nUser 2: Tom Jones (mob 07700 900456)",
    ] {
        let (form, _) = extract(&[body(text)]);
        assert_eq!(form.accounts.len(), 2, "{text}");
        let mobiles: Vec<_> = form
            .accounts
            .iter()
            .filter_map(|a| a.mobile.clone())
            .collect();
        assert_eq!(mobiles, ["07700 900123", "07700 900456"], "{text}");
        assert!(
            form.accounts.iter().all(|a| a
                .name
                .as_deref()
                .is_some_and(|n| n.contains("Jane") || n.contains("Tom"))),
            "{text}: {:?}",
            form.accounts
        );
    }
}

#[test]
fn questions_and_answers_wrapped_over_lines() {
    let (form, _) = extract(&[body(
        "Confirm that your care home has a regular requirement to exchange data\nsecurely and why: Yes - discharge letters from the hospital\n\
         What benefits do you expect from using NHSmail? Safer referrals to the GP practice and the\ndistrict nurses, and no more faxes",
    )]);
    assert_eq!(form.secure_exchange_required, Some(true));
    assert_eq!(
        form.secure_exchange_reason.as_deref(),
        Some("discharge letters from the hospital")
    );
    assert_eq!(
        form.expected_benefits.as_deref(),
        Some("Safer referrals to the GP practice and the district nurses, and no more faxes")
    );
}

#[test]
fn an_address_down_several_rows() {
    let doc = table(&[
        &["Care home name", "Rose Hill"],
        &["Address", "12 Rose Hill"],
        &["", "Leeds"],
        &["", "LS6 2AB"],
        &["Telephone", "0113 496 0000"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(
        form.care_home_address.as_deref(),
        Some("12 Rose Hill, Leeds, LS6 2AB")
    );
    assert_eq!(form.care_home_telephone.as_deref(), Some("0113 496 0000"));
}

#[test]
fn marks_beside_their_options_are_no_reason_nor_name() {
    for (secure, shared, want) in [
        (["Yes", "X", "No", ""], ["Yes", "x", "No", ""], true),
        (["Yes", "", "No", "X"], ["Yes", "", "No", "✓"], false),
        (["☐ Yes", "☒ No", "", ""], ["☐ Yes", "☒ No", "", ""], false),
    ] {
        let doc = table(&[
            &[
                "Confirm that your care home has a regular requirement to exchange data securely and why:",
                secure[0],
                secure[1],
                secure[2],
                secure[3],
            ],
            &[
                "Do you require a shared mailbox for your care home?",
                shared[0],
                shared[1],
                shared[2],
                shared[3],
            ],
            &["Preferred mailbox name:", "Heatherbank Seacroft"],
        ]);
        let (form, _) = extract(&[doc]);
        assert_eq!(form.secure_exchange_required, Some(want), "{secure:?}");
        assert_eq!(form.secure_exchange_reason, None, "{secure:?}");
        assert_eq!(form.shared_mailbox_required, Some(want), "{shared:?}");
        let name = form.shared_mailbox_name.as_deref();
        assert!(
            name.is_none() || name == Some("Heatherbank Seacroft"),
            "{name:?}"
        );
    }
}

#[test]
fn questions_standing_alone_above_their_answers() {
    let doc = body(
        "Name\nHannah Hughes\n\nRole\nOperations Manager\n\nOrganisation telephone number\n(0113) 496 0984\n\n\
         CQC registration number\n1-588685341\n\nDoes your care home already hold any NHSmail accounts?\nNo\n\n\
         Confirm that your care home has a regular requirement to exchange data securely and why\nYes",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form.applicant_name.as_deref(), Some("Hannah Hughes"));
    assert_eq!(form.applicant_role.as_deref(), Some("Operations Manager"));
    assert_eq!(form.care_home_telephone.as_deref(), Some("(0113) 496 0984"));
    assert_eq!(form.cqc_registration_number.as_deref(), Some("1-588685341"));
    assert_eq!(form.has_existing_nhsmail_accounts, Some(false));
    assert_eq!(form.secure_exchange_required, Some(true));
    // A report's heading over its title asks nothing.
    let report =
        body("Data Security and Protection Toolkit\nAssessment Report\nStatus: Standards Met");
    let (form, _) = extract(&[report]);
    assert_eq!(form.ig_toolkit_completed, None);
}

#[test]
fn one_column_of_questions_each_above_its_answer() {
    let rows: Vec<&[&str]> = vec![
        &["CQC location ID"],
        &["CQC 1-370605640"],
        &["How many accounts do you need, and who for (account name and mobile)?"],
        &[
            "Note: a maximum of 3 user accounts will be provided. Please provide a business justification if you require more than this.\n1 (see below)\n- Priya Ashworth – priya.ashworth – 07700 900145",
        ],
        &[
            "Would you like a shared mailbox?\nNote: The sponsoring organisation's short name will automatically preface the shared mailbox email address.",
        ],
        &["Yes"],
        &["Name for the shared mailbox"],
        &["“HawthornCourtGarforth”"],
        &["Expected benefits"],
        &["Less time spent on the phone chasing discharge letters"],
        &["Why do you need to exchange data securely"],
        &["Discharge summaries"],
    ];
    let (form, _) = extract(&[table(&rows)]);
    assert_eq!(form.cqc_registration_number.as_deref(), Some("1-370605640"));
    assert_eq!(form.individual_accounts_requested, Some(1));
    assert_eq!(form.accounts.len(), 1);
    assert_eq!(
        form.business_justification, None,
        "the printed note is no justification"
    );
    assert_eq!(form.shared_mailbox_required, Some(true));
    assert_eq!(
        form.shared_mailbox_name.as_deref(),
        Some("HawthornCourtGarforth")
    );
    assert_eq!(
        form.expected_benefits.as_deref(),
        Some("Less time spent on the phone chasing discharge letters")
    );
    assert_eq!(
        form.secure_exchange_reason.as_deref(),
        Some("Discharge summaries")
    );
}

#[test]
fn label_and_answer_typed_into_one_cell() {
    let doc = table(&[
        &["Name Lisa Fitzgerald"],
        &["Role Registered Manager"],
        &["Email lisa.fitzgerald@elmtree.example.org"],
        &["Care home Elmtree Residential Home"],
        &["Tel +44 (0)113 496 0027"],
        &["CQC no. 1-501173859"],
        &["IG Toolkit completed YES"],
        &["Existing NHSmail accounts no"],
        &["No. of accounts 1"],
        &["Business justification (if more than 3 accounts)"],
        &["Home name & address"],
        &["Individual accounts – one row per account owner"],
        &["What benefits do you expect from using NHSmail"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.applicant_name.as_deref(), Some("Lisa Fitzgerald"));
    assert_eq!(form.applicant_role.as_deref(), Some("Registered Manager"));
    assert_eq!(
        form.applicant_email.as_deref(),
        Some("lisa.fitzgerald@elmtree.example.org")
    );
    assert_eq!(
        form.care_home_name.as_deref(),
        Some("Elmtree Residential Home")
    );
    assert_eq!(
        form.care_home_telephone.as_deref(),
        Some("+44 (0)113 496 0027")
    );
    assert_eq!(form.cqc_registration_number.as_deref(), Some("1-501173859"));
    assert_eq!(form.ig_toolkit_completed, Some(true));
    assert_eq!(form.has_existing_nhsmail_accounts, Some(false));
    assert_eq!(form.individual_accounts_requested, Some(1));
    // Questions with their hints are no answers.
    assert_eq!(form.business_justification, None);
    assert_eq!(form.expected_benefits, None);
}

#[test]
fn questions_wrapped_down_their_column_with_the_answer_beside_the_first_row() {
    let doc = table(&[
        &["Name:", "Michael Patel"],
        &["Email address:", "michael.patel@fairview.example"],
        &["Does your care home already hold any", "NO"],
        &["NHSmail accounts?", ""],
        &["Confirm that your care home has a", "YES"],
        &["regular requirement to exchange data", ""],
        &["securely and why:", ""],
        &["Number of individual person accounts", "2"],
        &[
            "required, preferred account name and",
            "Michael Patel, michael.patel, 07700 900893",
        ],
        &[
            "mobile number for each account owner:",
            "Zoë Green, zoe.green, 07700 900476",
        ],
        &[
            "What benefits do you expect from using",
            "Secure email instead of fax",
        ],
        &["NHSmail?", ""],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.applicant_name.as_deref(), Some("Michael Patel"));
    assert_eq!(form.has_existing_nhsmail_accounts, Some(false));
    assert_eq!(form.secure_exchange_required, Some(true));
    assert_eq!(form.individual_accounts_requested, Some(2));
    assert_eq!(form.accounts.len(), 2, "{:?}", form.accounts);
    assert_eq!(
        form.expected_benefits.as_deref(),
        Some("Secure email instead of fax")
    );
}

#[test]
fn the_rest_of_a_printed_question_on_its_line_is_no_answer() {
    let t = "Do you require a shared mailbox for your care home? If yes, please state \
             the preferred mailbox name (it may not be possible to use the exact name requested).";
    let splits = super::labels::split_all(t, true);
    assert_eq!(splits.len(), 1);
    assert_eq!(splits[0].slot, Slot::Field(Field::SharedMailboxRequired));
    assert_eq!(splits[0].inline, "");
    let with_answer = format!("{t}\nYes\nPreferred mailbox name: OakLeeds");
    let split = super::labels::split_label(&with_answer, true).expect("a label");
    assert!(split.inline.starts_with("Yes"), "{:?}", split.inline);
}

#[test]
fn short_labels_above_their_answers_end_a_long_answer() {
    // A PDF's text: each label alone over its answer, the address over
    // several lines, a printed note between a question and its answer.
    let doc = body(
        "Name\nAnn Lee\nHome name & address\nOak Lodge\n1 Oak Road\nLeeds\nLS1 1AA\nTel\n0113 496 0000\n\
         CQC no.\n1-123456789\nSecure exchange required\nyes\nReason\nTo send care plans to the district nurses securely\n\
         Shared mailbox\nNote: The sponsoring organisation's short name will automatically preface the shared mailbox\n\
         email address.\nNo thanks\nBenefits\nFaster letters",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form.applicant_name.as_deref(), Some("Ann Lee"));
    assert_eq!(form.care_home_name.as_deref(), Some("Oak Lodge"));
    assert_eq!(
        form.care_home_address.as_deref(),
        Some("1 Oak Road, Leeds, LS1 1AA")
    );
    assert_eq!(form.care_home_telephone.as_deref(), Some("0113 496 0000"));
    assert_eq!(form.cqc_registration_number.as_deref(), Some("1-123456789"));
    assert_eq!(form.secure_exchange_required, Some(true));
    assert_eq!(
        form.secure_exchange_reason.as_deref(),
        Some("To send care plans to the district nurses securely")
    );
    assert_eq!(form.shared_mailbox_required, Some(false));
    assert_eq!(form.expected_benefits.as_deref(), Some("Faster letters"));
}

#[test]
fn labels_run_into_their_answers_on_lines_of_a_typed_form() {
    let doc = body(
        "Care home address\n40 Rose Street\nIlkley\nExpected benefits Less time chasing letters\n\
         Full name Amanda Patel\nJob title Deputy Manager\nCare home phone number 0113 496 0925",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(
        form.care_home_address.as_deref(),
        Some("40 Rose Street, Ilkley")
    );
    assert_eq!(
        form.expected_benefits.as_deref(),
        Some("Less time chasing letters")
    );
    assert_eq!(form.applicant_name.as_deref(), Some("Amanda Patel"));
    assert_eq!(form.applicant_role.as_deref(), Some("Deputy Manager"));
    assert_eq!(form.care_home_telephone.as_deref(), Some("0113 496 0925"));
    // Prose is no form.
    let (prose, _) = extract(&[body(
        "Please find attached our completed form.\nOur manager will be away next week.",
    )]);
    assert_eq!(prose.applicant_role, None);
}

#[test]
fn a_one_column_table_of_questions_over_answers_joins_no_answer_to_a_question() {
    let doc = table(&[
        &[
            "Confirm that your care home has a regular requirement to exchange data securely and why",
        ],
        &["yes, Medication queries with the pharmacy"],
        &["Do you require a shared mailbox for your care home?"],
        &["no"],
        &["Does your care home already hold any NHSmail accounts?"],
        &["No"],
        &["What benefits do you expect from using NHSmail?"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.secure_exchange_required, Some(true));
    assert_eq!(
        form.secure_exchange_reason.as_deref(),
        Some("Medication queries with the pharmacy")
    );
    assert_eq!(form.shared_mailbox_required, Some(false));
    assert_eq!(form.has_existing_nhsmail_accounts, Some(false));
}

#[test]
fn an_accounts_table_ends_at_a_reworded_justification_or_a_question_answered_beside() {
    let doc = table(&[
        &["Name", "Preferred account name", "Mobile number"],
        &["Amanda Patel", "amanda.patel", "07700 900874"],
        &["Reason for more than 3 accounts", "", ""],
        &["Would you like a shared mailbox? no", "", ""],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.accounts.len(), 1);
    assert_eq!(form.business_justification, None);
    assert_eq!(form.shared_mailbox_required, Some(false));
}

#[test]
fn a_role_or_a_sentence_that_shares_a_question_word_is_an_answer() {
    let doc = table(&[
        &["Role"],
        &["Care Home Manager"],
        &["Organisation name"],
        &["Oak Lodge"],
        &["Business justification"],
        &["The home has 80 beds and two deputy managers"],
        &["Email address"],
        &["ann@oak.example.org"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.applicant_role.as_deref(), Some("Care Home Manager"));
    assert_eq!(form.care_home_name.as_deref(), Some("Oak Lodge"));
    assert_eq!(
        form.business_justification.as_deref(),
        Some("The home has 80 beds and two deputy managers")
    );
    assert_eq!(form.applicant_email.as_deref(), Some("ann@oak.example.org"));
}

#[test]
fn a_label_read_through_a_slip_or_a_printed_question_runs_into_its_answer() {
    let doc = table(&[
        &["Name Zoë Ward"],
        &["Rol Office Manager"],
        &["E-mail adress zoe.ward@greenacres.example.co.uk"],
        &["Confirm that you have completed the IG Tooklit Yes (published March)"],
        &["Benefits Secure email instead of fax"],
        &["Organisation telephone number 020 7946 0939"],
    ]);
    let (form, prov) = extract(&[doc]);
    assert_eq!(form.applicant_role.as_deref(), Some("Office Manager"));
    assert_eq!(
        form.applicant_email.as_deref(),
        Some("zoe.ward@greenacres.example.co.uk")
    );
    assert_eq!(form.ig_toolkit_completed, Some(true));
    assert_eq!(
        form.expected_benefits.as_deref(),
        Some("Secure email instead of fax")
    );
    assert_eq!(form.care_home_telephone.as_deref(), Some("020 7946 0939"));
    assert_eq!(form.care_home_name, None);
    // A label read through a slip is a guess for an administrator to check.
    assert!(
        prov.get(&Field::ApplicantRole)
            .is_some_and(|o| o.guess.is_some())
    );
}

#[test]
fn a_table_pasted_as_text_is_read_as_a_table() {
    // A PDF's columns outside a ruled table: an accounts header over one
    // account, and a question wrapped under its options.
    let doc = body(
        "Account holders (name, preferred account name, mobile)\n\
         Name\tPreferred account name\tMobile number\n\
         Grace Jenkins\tgrace.jenkins\t07700 900381\n\
         Would you like a\tYes X\tNo\n\
         shared mailbox?\n\
         Who will own the mailbox (name and mobile)\tGrace Jenkins, 07700 900382",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form.accounts.len(), 1, "{:?}", form.accounts);
    assert_eq!(form.accounts[0].name.as_deref(), Some("Grace Jenkins"));
    assert_eq!(form.shared_mailbox_required, Some(true));
    assert_eq!(form.shared_mailbox_owner.as_deref(), Some("Grace Jenkins"));
    assert_eq!(
        form.shared_mailbox_owner_mobile.as_deref(),
        Some("07700 900382")
    );
}

#[test]
fn options_end_their_line_and_a_label_runs_into_its_printed_question() {
    let doc = body(
        "Shared mailbox:   Yes [X]   No [ ]\nMailbox name: OakLeeds\nOwner & mobile: Ann Lee - 07700 900354\n\
         Care home phone number (0113) 496 0270",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form.shared_mailbox_required, Some(true));
    assert_eq!(form.shared_mailbox_name.as_deref(), Some("OakLeeds"));
    assert_eq!(form.shared_mailbox_owner.as_deref(), Some("Ann Lee"));
    assert_eq!(form.care_home_telephone.as_deref(), Some("(0113) 496 0270"));

    let doc = table(&[
        &[
            "SHARED MAILBOX If yes, please state the preferred mailbox name (it may not be possible to use the exact name requested).",
        ],
        &["Yes\nPREFERRED MAILBOX NAME: \"OakLeeds\""],
        &["Name | Preferred account name | Mobile number"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.shared_mailbox_required, Some(true));
    assert_eq!(form.shared_mailbox_name.as_deref(), Some("OakLeeds"));
    assert_eq!(form.applicant_name, None);
}

#[test]
fn a_misspelt_label_alone_over_its_answer_is_a_label() {
    let doc = body(
        "Why\nWe receive discharge summaries and referrals from the hospital\n\
         Number of individual person acounts required\n\
         Note: a maximum of 3 user accounts will be provided.\n1\n\
         Organisation telphone number\n+44 113 496 0424\nE-mail adress\nAnn.Lee@oak.example.org",
    );
    let (form, prov) = extract(&[doc]);
    assert_eq!(
        form.secure_exchange_reason.as_deref(),
        Some("We receive discharge summaries and referrals from the hospital")
    );
    assert_eq!(form.individual_accounts_requested, Some(1));
    assert_eq!(
        form.care_home_telephone.as_deref(),
        Some("+44 113 496 0424")
    );
    assert_eq!(
        form.applicant_email.as_deref(),
        Some("ann.lee@oak.example.org")
    );
    assert!(
        prov.get(&Field::CareHomeTelephone)
            .is_some_and(|o| o.guess.is_some())
    );
}

#[test]
fn an_answer_begun_before_a_dash_and_tick_boxes_under_another_question() {
    let doc = body(
        "Secure exchange required Yes - We receive discharge summaries\n\
         Justification\nCare home Kirkstall Lodge\n\
         Please also confirm the account owner name and mobile number:\n[x] Yes [ ] No",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form.secure_exchange_required, Some(true));
    assert_eq!(
        form.secure_exchange_reason.as_deref(),
        Some("We receive discharge summaries")
    );
    assert_eq!(form.business_justification, None);
    assert_eq!(form.care_home_name.as_deref(), Some("Kirkstall Lodge"));
    assert_eq!(form.shared_mailbox_owner, None);
}

#[test]
fn a_yes_alone_names_no_one_and_a_printed_prompt_on_its_label_line_is_passed_over() {
    let doc = body(
        "Shared mailbox If yes, please state the preferred mailbox name (it may not be possible to use the exact name requested).\n\
         Please also confirm the account owner name and mobile number\n\
         Note: The sponsoring organisation's short name will automatically preface the shared mailbox email address.\n\
         yes\nMailbox name: MoorlandsOtley\nOwner: Priya Okafor, 07700 900383",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form.shared_mailbox_required, Some(true));
    assert_eq!(form.shared_mailbox_name.as_deref(), Some("MoorlandsOtley"));
    assert_eq!(form.shared_mailbox_owner.as_deref(), Some("Priya Okafor"));
}

#[test]
fn questions_in_columns_pasted_as_text_wrap_and_end_where_they_should() {
    let doc = body(
        "SECURE\tYes\tX\tNo\nEXCHANGE\nREQUIRED\n\
         Business justification:\n\
         Do you require a shared mailbox for your care\t[x] Yes [ ] No\nhome?\n\
         Name\tPreferred account name\tMobile number\n\
         Joanne Fitzgerald\tjoanne.fitzgerald\t07700 900089\nBUSINESS JUSTIFICATION\n\
         Confirm that you have completed the IG Toolkit. For further\n\
         information see: https://www.igt.hscic.gov.uk/   Yes [X]   No [ ]",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form.secure_exchange_required, Some(true));
    assert_eq!(form.shared_mailbox_required, Some(true));
    assert_eq!(form.business_justification, None);
    assert_eq!(form.accounts.len(), 1);
    assert_eq!(form.accounts[0].mobile.as_deref(), Some("07700 900089"));
    assert_eq!(form.ig_toolkit_completed, Some(true));
}

#[test]
fn several_questions_in_a_row_with_a_slip_or_a_blank_answer() {
    let doc = table(&[
        &["Name", "", "Rol", "Deputy Manager"],
        &["E-mail adress", "kwame.nowak@harewood.example.org"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.applicant_name, None);
    assert_eq!(form.applicant_role.as_deref(), Some("Deputy Manager"));
    let (form, _) = extract(&[body("Nmae: Michael Shah Rol: Clinical Lead")]);
    assert_eq!(form.applicant_name.as_deref(), Some("Michael Shah"));
    assert_eq!(form.applicant_role.as_deref(), Some("Clinical Lead"));
}

#[test]
fn a_question_in_capitals_and_its_printed_link_before_the_answer() {
    let (form, _) = extract(&[table(&[
        &["IG TOOLKIT COMPLETED No"],
        &["SECURE EXCHANGE REQUIRED YES"],
    ])]);
    assert_eq!(form.ig_toolkit_completed, Some(false));
    assert_eq!(form.secure_exchange_required, Some(true));
    let (form, _) = extract(&[body(
        "CONFIRM THAT YOU HAVE COMPLETED THE IG TOOLKIT. FOR FURTHER INFORMATION SEE:\n\
         HTTPS://WWW.IGT.HSCIC.GOV.UK/ y",
    )]);
    assert_eq!(form.ig_toolkit_completed, Some(true));
}

#[test]
fn an_accounts_table_ends_at_a_question_run_into_its_answer_and_a_number_spaced_by_a_dash() {
    let doc = table(&[
        &["Name", "Preferred account name", "Mobile number"],
        &["Joanne Kaye", "joanne.kaye", "07700 900315"],
        &["JUSTIFICATION The home has 80 beds and two deputy managers"],
        &["EMAIL ADDRESS zoe.lowe@harewoodcare.example.co.uk"],
        &["CQC NO. 1 - 5711 38732"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.accounts.len(), 1);
    assert_eq!(
        form.business_justification.as_deref(),
        Some("The home has 80 beds and two deputy managers")
    );
    assert_eq!(
        form.applicant_email.as_deref(),
        Some("zoe.lowe@harewoodcare.example.co.uk")
    );
    assert_eq!(form.cqc_registration_number.as_deref(), Some("1-571138732"));
}

#[test]
fn a_question_word_that_is_a_label_and_a_question_asked_in_other_words_run_into_answers() {
    let doc = table(&[
        &["WHY Discharge summaries, GP correspondence and safeguarding referrals"],
        &["How many individual accounts do you need 2"],
        &["What benefits do you expect from using NHSmail"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(
        form.secure_exchange_reason.as_deref(),
        Some("Discharge summaries, GP correspondence and safeguarding referrals")
    );
    assert_eq!(form.individual_accounts_requested, Some(2));
    assert_eq!(form.expected_benefits, None);
}

#[test]
fn a_home_called_note_house_under_its_label_is_no_printed_note() {
    let (form, _) = extract(&[body("Name of care home:\nNote House\nAddress: 1 Road")]);
    assert_eq!(form.care_home_name.as_deref(), Some("Note House"));
}

#[test]
fn a_label_with_its_hint_in_brackets_runs_into_its_answer() {
    let doc = table(&[
        &["Who will own the mailbox (name and mobile) Olivia Barnes, 07700 900422"],
        &["Expected benefits Secure email instead of fax"],
        &["Individual accounts (one row per person) see table below"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.shared_mailbox_owner.as_deref(), Some("Olivia Barnes"));
    assert_eq!(
        form.shared_mailbox_owner_mobile.as_deref(),
        Some("07700 900422")
    );
    assert_eq!(
        form.expected_benefits.as_deref(),
        Some("Secure email instead of fax")
    );
}

#[test]
fn an_email_address_typed_with_a_dot_for_its_at_is_read_as_given() {
    let doc = body("Name: Priya Shah\nContact email address\npriya.shah.riverside.example.org\n");
    let (form, _) = extract(&[doc]);
    assert_eq!(
        form.applicant_email.as_deref(),
        Some("priya.shah.riverside.example.org")
    );
}

#[test]
fn an_answer_in_capitals_stops_at_the_printed_note_below_it() {
    let doc = body(
        "EXISTING NHSMAIL ACCOUNTS N/A\nIF YES, PLEASE PROVIDE THE EMAIL ADDRESS(ES)\n\
         SHARED MAILBOX Yes please\nNote: The sponsoring organisation's short name will \
         automatically preface the shared mailbox email address.\nPREFERRED MAILBOX NAME Oaks\n",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form.shared_mailbox_required, Some(true));
    assert_eq!(form.has_existing_nhsmail_accounts, Some(false));
    assert_eq!(form.shared_mailbox_name.as_deref(), Some("Oaks"));
}

#[test]
fn an_account_owner_run_into_the_accounts_question_is_read() {
    for (cell, name) in [
        (
            "PREFERRED ACCOUNT NAME AND MOBILE NUMBER FOR EACH ACCOUNT OWNER 1. Priya Gallagher – priya.gallagher – 07700 900313",
            "Priya Gallagher",
        ),
        (
            "Account owners Daniel McAllister / daniel.mcallister / 07700 900646",
            "Daniel McAllister",
        ),
        (
            "Preferred account name and mobile number for each account owner - Siobhan McAllister, siobhan.mcallister, 07700 900768",
            "Siobhan McAllister",
        ),
    ] {
        let (form, _) = extract(&[table(&[&["Name Jo Bloggs"], &[cell]])]);
        let names: Vec<_> = form
            .accounts
            .iter()
            .filter_map(|a| a.name.as_deref())
            .collect();
        assert_eq!(names, [name], "{cell}");
    }
}

#[test]
fn a_count_in_lower_case_after_its_label_in_capitals_is_the_count() {
    let doc = body(
        "SECURE EXCHANGE REQUIRED Yes - Medication queries with the pharmacy and letters from GP practices\n\
         NO. OF ACCOUNTS one\nACCOUNT OWNERS Rob Prys – rob.prys – 07700 900096\n",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(
        form.secure_exchange_reason.as_deref(),
        Some("Medication queries with the pharmacy and letters from GP practices")
    );
    assert_eq!(form.individual_accounts_requested, Some(1));
    assert_eq!(form.accounts.len(), 1);
}

#[test]
fn a_question_left_unanswered_does_not_take_the_next_questions_answer() {
    let doc = table(&[
        &["If yes, please provide the email adress(es) n/a"],
        &["E-mail adress paul.okafor@millbrook.example.co.uk"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(
        form.applicant_email.as_deref(),
        Some("paul.okafor@millbrook.example.co.uk")
    );
    assert!(form.existing_nhsmail_addresses.is_empty());
}

#[test]
fn owners_under_the_count_question_or_after_a_bracketed_hint_are_read() {
    let texts = [
        "Number of individual person accounts required:\n\
         Preferred account name and mobile number for each account owner: 1. Jane Shah – jane.shah – 07700 900347\n",
        "Account holders (name, preferred account name, mobile) - Jane Shah – jane.shah – 07700 900347\n",
    ];
    for text in texts {
        let (form, _) = extract(&[body(text)]);
        let names: Vec<_> = form
            .accounts
            .iter()
            .filter_map(|a| a.name.as_deref())
            .collect();
        assert_eq!(names, ["Jane Shah"], "{text}");
    }
    let doc = table(&[&[
        "Account holders (name, preferred account name, mobile) Ruth Okafor - ruth.okafor - 07700 900051",
    ]]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.accounts.len(), 1);
}

#[test]
fn an_address_ends_at_its_postcode() {
    let doc = body(
        "Address: 82 Thornbury Road\nHalton\nLeeds\nLS15 5PG\nBenefits\nSecure email instead of fax\n",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(
        form.care_home_address.as_deref(),
        Some("82 Thornbury Road, Halton, Leeds, LS15 5PG")
    );
    assert_eq!(
        form.expected_benefits.as_deref(),
        Some("Secure email instead of fax")
    );
}

#[test]
fn an_address_runs_down_the_rows_below_its_label_to_its_postcode() {
    let doc = table(&[
        &["CARE HOME Larchwood House", "", ""],
        &["ADDRESS", "", ""],
        &["30 Larchwood Lane", "", ""],
        &["Cookridge", "", ""],
        &["Leeds", "", ""],
        &["LS16 6ZF", "", ""],
        &["Kind regards", "", ""],
        &["NAME Bethan Gallagher", "", ""],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(
        form.care_home_address.as_deref(),
        Some("30 Larchwood Lane, Cookridge, Leeds, LS16 6ZF")
    );
    assert_eq!(form.applicant_name.as_deref(), Some("Bethan Gallagher"));
}

#[test]
fn a_question_asked_in_words_runs_into_its_answer_on_a_line() {
    let doc = body(
        "Do you regularly need to exchange data securely? yes\n\
         Why do you need to exchange data securely We receive discharge summaries and referrals from the hospital\n",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(
        form.secure_exchange_reason.as_deref(),
        Some("We receive discharge summaries and referrals from the hospital")
    );
}

#[test]
fn tick_boxes_after_the_printed_question_answer_it() {
    let doc = body(
        "Confirm that your care home has a regular requirement to exchange data securely and why [x] Yes [ ] No\n",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form.secure_exchange_required, Some(true));
}

#[test]
fn an_unanswered_name_does_not_take_the_address_row_below_it() {
    let doc = table(&[
        &["Organisation name"],
        &["Address 81 Rose Street, Seacroft, Leeds, LS14 8UF"],
        &["Organisation telphone number 0113 496 0981"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.care_home_name, None);
    assert_eq!(
        form.care_home_address.as_deref(),
        Some("81 Rose Street, Seacroft, Leeds, LS14 8UF")
    );
}

#[test]
fn options_left_untouched_after_a_label_in_capitals_answer_nothing() {
    let doc = table(&[&["SECURE EXCHANGE REQUIRED Y/N"], &["NO. OF ACCOUNTS 2"]]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.secure_exchange_required, None);
    assert_eq!(form.secure_exchange_reason, None);
    assert_eq!(form.individual_accounts_requested, Some(2));
}

#[test]
fn a_mobile_wrapped_in_its_cell_and_a_label_in_capitals_with_an_ampersand() {
    let doc = table(&[
        &["MAILBOX ACCOUNT OWNER NAME: Daniel Robson - 07700\n900145"],
        &["Address: Flat 2\n3 Oak Road\nLeeds LS1 1AA"],
    ]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.shared_mailbox_owner.as_deref(), Some("Daniel Robson"));
    assert_eq!(
        form.shared_mailbox_owner_mobile.as_deref(),
        Some("07700 900145")
    );
    assert_eq!(
        form.care_home_address.as_deref(),
        Some("Flat 2, 3 Oak Road, Leeds LS1 1AA")
    );
    let doc = table(&[&["OWNER & MOBILE Grace Patel, 07700 900572"]]);
    let (form, _) = extract(&[doc]);
    assert_eq!(form.shared_mailbox_owner.as_deref(), Some("Grace Patel"));
    assert_eq!(
        form.shared_mailbox_owner_mobile.as_deref(),
        Some("07700 900572")
    );
}

#[test]
fn a_question_whose_printed_note_breaks_mid_sentence_is_answered_below_its_note() {
    let doc = body(
        "Do you require a shared mailbox for your care home? If yes, please state the preferred mailbox name (it may not be\n\
         possible to use the exact name requested). Please also confirm the account owner name and mobile number:\n\
         Note: The sponsoring organisation's short name will automatically preface the shared mailbox email address.\n\
         Yes\nPreferred mailbox name: \"BeechcroftGarforth\"\n",
    );
    let (form, _) = extract(&[doc]);
    assert_eq!(form.shared_mailbox_required, Some(true));
    assert_eq!(form.individual_accounts_requested, None);
    assert_eq!(
        form.shared_mailbox_name.as_deref(),
        Some("BeechcroftGarforth")
    );
}

#[test]
fn a_numbered_owner_without_a_mobile_is_an_owner_not_a_count() {
    let (form, _) = extract(&[body(
        "NUMBER OF INDIVIDUAL PERSON ACCOUNTS REQUIRED, PREFERRED ACCOUNT NAME AND MOBILE NUMBER FOR EACH ACCOUNT OWNER:\n\
         1. Fiona Thompson - fiona.thompson\nSHARED MAILBOX: Yes [X] No [ ]\n",
    )]);
    let names: Vec<_> = form
        .accounts
        .iter()
        .filter_map(|a| a.name.as_deref())
        .collect();
    assert_eq!(names, ["Fiona Thompson"]);
    assert_eq!(form.accounts[0].mobile, None);
}

#[test]
fn a_cqc_number_written_wrongly_is_read_as_given() {
    for doc in [
        body("CQC registration number VNX4T\nName: Jo Bloggs\n"),
        body("CQC registration number\nVNX4T\nName: Jo Bloggs\n"),
        table(&[&["CQC REGISTRATION NUMBER VNX4T"]]),
    ] {
        let (form, _) = extract(&[doc]);
        assert_eq!(form.cqc_registration_number.as_deref(), Some("VNX4T"));
    }
}

#[test]
fn a_yes_or_no_question_left_unanswered_does_not_take_the_next_question() {
    let (form, _) = extract(&[body(
        "Does your care home already hold any NHSmail accounts?\n\nCare home nmae\nBrookside Care Centre\n",
    )]);
    assert_eq!(form.has_existing_nhsmail_accounts, None);
    assert_eq!(
        form.care_home_name.as_deref(),
        Some("Brookside Care Centre")
    );
}
