// The page: sign in with a dashboard token, pick a course, watch a session live.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Connection, disconnect, onConnection, query, token } from './api.ts';
import { CoursePage, CoursesPage } from './courses.tsx';
import { SignInQuery } from './documents.ts';
import type { PageSignInQuery } from './graphql/graphql.ts';
import { onLinkClick, type Route, useRoute } from './router.ts';
import { SessionPage } from './session.tsx';

type Who = PageSignInQuery;

export function App() {
  const [signedIn, setSignedIn] = useState(() => token.get() !== null);
  const [who, setWho] = useState<Who | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const route = useRoute();
  // links inside the page change the address without a reload
  useEffect(() => {
    document.addEventListener('click', onLinkClick);
    return () => document.removeEventListener('click', onLinkClick);
  }, []);

  useEffect(() => {
    if (!signedIn) return;
    query(SignInQuery, {}).then(setWho, (error: unknown) => {
      if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') signOut(`Sign-in refused: ${error.message}`);
      else setProblem(error instanceof Error ? error.message : String(error));
    });
  }, [signedIn]);

  function signOut(reason: string | null = null) {
    token.clear();
    disconnect();
    setWho(null);
    setSignedIn(false);
    setProblem(reason);
  }

  if (!signedIn) {
    return (
      <SignIn
        problem={problem}
        onSignIn={(value) => {
          token.set(value);
          setProblem(null);
          setSignedIn(true);
        }}
      />
    );
  }
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="/dashboard">
          Rollcall
        </a>
        <ConnectionBadge />
        <span class="who">{who ? (who.me ? (who.me.name ?? who.me.id) : 'Administrator') : ''}</span>
        <button type="button" class="quiet" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="main">
        {problem ? (
          <p role="alert" class="problem">
            {problem}
          </p>
        ) : who ? (
          <Page route={route} who={who} />
        ) : (
          <p aria-busy="true">Loading…</p>
        )}
      </main>
    </div>
  );
}

function Page({ route, who }: { route: Route; who: Who }) {
  switch (route.page) {
    case 'courses':
      return <CoursesPage courses={who.courses} />;
    case 'course':
      return <CoursePage slug={route.slug} key={route.slug} />;
    case 'session':
      return <SessionPage by={{ id: route.id }} key={route.id} />;
    case 'room':
      return <SessionPage by={{ roomId: route.roomId }} key={route.roomId} />;
  }
}

function SignIn({ problem, onSignIn }: { problem: string | null; onSignIn(token: string): void }) {
  const [value, setValue] = useState('');
  return (
    <main id="main" class="sign-in">
      <h1>Rollcall</h1>
      <p>Live attendance of your PlugNMeet classes.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim()) onSignIn(value.trim());
        }}
      >
        <label for="token">Dashboard token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          value={value}
          onInput={(event) => setValue((event.target as HTMLInputElement).value)}
          aria-describedby="token-help"
        />
        <p id="token-help" class="help">
          Your school's learning platform gives it to you. It stays in this browser tab only.
        </p>
        <button type="submit">Sign in</button>
      </form>
      {problem && (
        <p role="alert" class="problem">
          {problem}
        </p>
      )}
    </main>
  );
}

const CONNECTION_TEXT: Record<Connection, string> = {
  idle: '',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  'signed-out': 'Signed out',
};

function ConnectionBadge() {
  const [state, setState] = useState<Connection>('idle');
  useEffect(() => onConnection(setState), []);
  return (
    <span class={`connection ${state}`} data-connection={state} role="status" aria-live="polite">
      {CONNECTION_TEXT[state]}
    </span>
  );
}
