// How a template's members are executed: the form for admins, the settings for everyone else.
import { ExecutorBadge } from "../executions/execution-badges";
import type { ExecutionSettings } from "../executions/execution-settings-fields";
import { Card, CardBody, CardHeader } from "../ui/card";
import { TemplateExecutionForm } from "./execution-settings-form";

type Props = {
  template: { id: string; revision: number };
  settings: ExecutionSettings;
  defaultExecutor: { name: string; why: string };
  simulatedAllowed: boolean;
  mayEdit: boolean;
};

function Hook({ command }: { command: string | null }) {
  return command ? (
    <code className="block whitespace-pre-wrap break-all rounded bg-slate-50 px-2 py-1 font-mono text-xs text-slate-800">{command}</code>
  ) : (
    <span className="text-slate-500">none</span>
  );
}

export function TemplateExecutionCard({ template, settings, defaultExecutor, simulatedAllowed, mayEdit }: Props) {
  return (
    <Card aria-labelledby="execution" className="mt-6" data-testid="template-execution">
      <CardHeader
        id="execution"
        title="Execution"
        description="What upgrades the members (the installation's default unless the template names its own), commands run before and after each, and the timing limits."
      />
      <CardBody>
        {mayEdit ? (
          <TemplateExecutionForm template={template} settings={settings} defaultExecutor={defaultExecutor} simulatedAllowed={simulatedAllowed} />
        ) : (
          <dl className="grid gap-3 text-sm sm:grid-cols-2">
            <div>
              <dt className="text-xs text-slate-500">Executor</dt>
              <dd className="mt-0.5 flex items-center gap-2">
                <ExecutorBadge executor={settings.executor ?? defaultExecutor.name} />
                {settings.executor ? null : <span className="text-slate-500">the installation&apos;s default</span>}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Timing</dt>
              <dd className="mt-0.5 text-slate-800">
                No start in the last {settings.cutoffMinutes} min of a window; a member may take {settings.memberTimeoutMinutes} min.
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Pre-hook</dt>
              <dd className="mt-0.5">
                <Hook command={settings.preHook} />
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Post-hook</dt>
              <dd className="mt-0.5">
                <Hook command={settings.postHook} />
              </dd>
            </div>
          </dl>
        )}
      </CardBody>
    </Card>
  );
}
