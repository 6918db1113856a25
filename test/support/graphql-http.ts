// GraphQL over HTTP as a dashboard sends it: a JSON POST to /graphql, asking for the GraphQL
// response media type, with the bearer token when there is one.

export function postGraphQL(baseUrl: string, query: string, variables?: unknown, token?: string): Promise<Response> {
  return fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
}
