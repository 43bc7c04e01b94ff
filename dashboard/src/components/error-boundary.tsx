import { Component, type ErrorInfo, type ReactNode } from 'react';

/**
 * A page that throws while rendering shows what happened and a way back, instead of the blank screen React
 * leaves when nothing catches the error. Changing `resetKey` (the path) clears it, so navigating away recovers.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null; key: string }> {
  override state: { error: Error | null; key: string } = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: Error | null; key: string }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('dashboard page failed', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <section>
        <h1>This page failed</h1>
        <div className="error-message" role="alert">
          {this.state.error.message || 'An unexpected error occurred.'}
        </div>
        <p>
          <button type="button" onClick={() => window.location.reload()}>
            Reload the page
          </button>
        </p>
      </section>
    );
  }
}
