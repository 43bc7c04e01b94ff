import { useState } from 'react';
import { AllTokensSection } from '../components/all-tokens-section.js';
import { MyTokensSection } from '../components/my-tokens-section.js';
import { Tabs } from '../components/tabs.js';
import { TokenCreateDialog } from '../components/token-create-dialog.js';
import { useSession } from '../session.js';
import './tokens-page.css';

type Tab = 'mine' | 'all';

/** Personal access tokens: the member's own, and for owners and admins every member's. */
export function TokensPage() {
  const { can } = useSession();
  const [tab, setTab] = useState<Tab>('mine');
  const [creating, setCreating] = useState(false);
  const [version, setVersion] = useState(0);
  const admin = can('latchkey:tokens:admin');
  const mine = <MyTokensSection version={version} />;

  return (
    <section className="tokens-page">
      <div className="page-header">
        <h1>Personal tokens</h1>
        {can('latchkey:tokens:write') && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create token
          </button>
        )}
      </div>
      <p className="hint">
        A personal access token acts as you through the API. It never does more than your role allows, and it stops working if you leave the organization.
      </p>
      {admin ? (
        <Tabs
          label="Tokens"
          tabs={[
            { id: 'mine', label: 'My tokens' },
            { id: 'all', label: "All members' tokens" },
          ]}
          selected={tab}
          onSelect={setTab}
        >
          {tab === 'mine' ? mine : <AllTokensSection version={version} />}
        </Tabs>
      ) : (
        mine
      )}
      {creating && <TokenCreateDialog onClose={() => setCreating(false)} onCreated={() => setVersion((v) => v + 1)} />}
    </section>
  );
}
