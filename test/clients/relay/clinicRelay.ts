/**
 * Documents a Relay app would write against clinicgraph, compiled by the Relay compiler in
 * test/relay-compiler.test.ts (never executed here). The tag is Relay's convention; the compiler finds
 * it by name.
 */
const graphql = (strings: TemplateStringsArray) => strings.join('');

export const patientsQuery = graphql`
  query clinicRelayPatientsQuery($first: Int, $after: String, $search: String) {
    ...clinicRelay_patients @arguments(first: $first, after: $after, search: $search)
  }
`;

export const patientsFragment = graphql`
  fragment clinicRelay_patients on Query
  @refetchable(queryName: "clinicRelayPatientsPaginationQuery")
  @argumentDefinitions(first: { type: "Int", defaultValue: 20 }, after: { type: "String" }, search: { type: "String" }) {
    patients(first: $first, after: $after, search: $search) @connection(key: "clinicRelay_patients") {
      totalCount
      edges {
        node {
          id
          ...clinicRelay_patient
        }
      }
    }
  }
`;

export const patientFragment = graphql`
  fragment clinicRelay_patient on Patient
  @refetchable(queryName: "clinicRelayPatientRefetchQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 5 }, cursor: { type: "String" }) {
    firstName
    lastName
    dateOfBirth
    appointments(first: $count, after: $cursor) @connection(key: "clinicRelay_patient_appointments") {
      edges {
        node {
          id
          status
          scheduledStartDate
          provider {
            displayLastName
          }
          facility {
            name
            timezone
          }
        }
      }
    }
  }
`;

export const billQuery = graphql`
  query clinicRelayBillQuery($id: ID!) {
    node(id: $id) {
      ... on Bill {
        billNumber
        dateOfService
        codingGroups {
          diagnoses {
            code
            description
          }
          lineItems {
            code
            units
            totalCharge
            linkedDiagnoses {
              code
            }
          }
        }
        claims {
          claimStatus
          claimAmount
        }
      }
    }
  }
`;

export const scheduleQuery = graphql`
  query clinicRelayScheduleQuery($from: Date, $statuses: [AppointmentStatus!]) {
    appointments(last: 10, dateFrom: $from, statuses: $statuses) {
      edges {
        cursor
        node {
          id
          scheduledStartDate
          patient {
            lastName
          }
        }
      }
      pageInfo {
        hasPreviousPage
        startCursor
      }
    }
  }
`;
