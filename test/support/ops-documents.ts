// The admin operations the operations tests run, typed by GraphQL Code Generator (npm run codegen).
import { graphql } from '../graphql/index.ts';

export const WebhookEventsQuery = graphql(`
  query WebhookEvents($status: WebhookEventStatus, $name: String, $roomId: String, $since: DateTime, $until: DateTime, $first: Int, $after: String) {
    webhookEvents(status: $status, name: $name, roomId: $roomId, since: $since, until: $until, first: $first, after: $after) {
      id
      name
      roomId
      status
      error
      attempts
      receivedAt
      appliedAt
      body
    }
  }
`);

export const ReplayWebhookEventMutation = graphql(`
  mutation ReplayWebhookEvent($id: ID!) {
    replayWebhookEvent(id: $id) {
      replayed
      message
      event { id status attempts error appliedAt }
    }
  }
`);

export const EraseUserMutation = graphql(`
  mutation EraseUser($id: ID!) {
    eraseUser(id: $id) { id requestedBy requestedAt completedAt attendancesDeleted rowsRedacted }
  }
`);

export const UserErasuresQuery = graphql(`
  query UserErasures($first: Int) {
    userErasures(first: $first) { id requestedBy completedAt attendancesDeleted rowsRedacted }
  }
`);
