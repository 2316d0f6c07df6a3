import Link from "next/link";
import { ENVIRONMENTS, KIND_LABELS, KINDS, type ResourceListQuery } from "@/lib/validation/resources";
import { buttonClass } from "../ui/button";
import { inputClass } from "../ui/field";
import { FilterSelect } from "../ui/filter-select";

const SORT_LABELS = {
  name: "Name A–Z",
  "-name": "Name Z–A",
  group: "Patch group",
  kind: "Kind",
  environment: "Environment",
  "-lastPatched": "Recently patched first",
  lastPatched: "Longest unpatched first",
} as const;

/** The list's filters as a plain GET form: every view is a URL that can be shared. */
export function ResourceFilterBar({ query, teams }: { query: ResourceListQuery; teams: { slug: string; name: string }[] }) {
  return (
    <form role="search" aria-label="Filter resources" action="/resources" className="mb-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6">
        <div className="lg:col-span-2">
          <label htmlFor="filter-q" className="block text-xs font-medium text-slate-600">
            Name or tag
          </label>
          <input id="filter-q" name="q" type="search" defaultValue={query.q} placeholder="e.g. payments, pci" className={`${inputClass} mt-1`} />
        </div>
        <FilterSelect
          id="filter-environment"
          label="Environment"
          name="environment"
          value={query.environment}
          options={[["", "Any"], ...Object.keys(ENVIRONMENTS).map((e): [string, string] => [e, e])]}
        />
        <FilterSelect
          id="filter-kind"
          label="Kind"
          name="kind"
          value={query.kind}
          options={[["", "Any"], ...Object.keys(KINDS).map((k): [string, string] => [k, KIND_LABELS[k as keyof typeof KINDS]])]}
        />
        <FilterSelect
          id="filter-team"
          label="Team"
          name="team"
          value={query.team}
          options={[["", "Any"], ...teams.map((t): [string, string] => [t.slug, t.name])]}
        />
        <FilterSelect
          id="filter-group"
          label="Patch group"
          name="group"
          value={query.group}
          options={[
            ["", "Any"],
            ["1", "Group 1"],
            ["2", "Group 2"],
            ["3", "Group 3"],
          ]}
        />
        <FilterSelect
          id="filter-state"
          label="Patching"
          name="state"
          value={query.state}
          options={[
            ["", "Included or excluded"],
            ["included", "Included"],
            ["excluded", "Excluded"],
          ]}
        />
        <FilterSelect
          id="filter-retired"
          label="Retired"
          name="retired"
          value={query.retired}
          options={[
            ["", "In the fleet"],
            ["only", "Retired only"],
            ["include", "Both"],
          ]}
        />
        <div>
          <label htmlFor="filter-cluster" className="block text-xs font-medium text-slate-600">
            Cluster
          </label>
          <input id="filter-cluster" name="cluster" defaultValue={query.cluster} placeholder="exact name" className={`${inputClass} mt-1`} />
        </div>
        <div>
          <label htmlFor="filter-lastTag" className="block text-xs font-medium text-slate-600">
            Last patched in
          </label>
          <input
            id="filter-lastTag"
            name="lastTag"
            defaultValue={query.lastTag}
            placeholder="2026-Q3"
            pattern="\d{4}-Q[1-4]"
            className={`${inputClass} mt-1`}
          />
        </div>
        <div>
          <label htmlFor="filter-tag" className="block text-xs font-medium text-slate-600">
            Tags
          </label>
          <input
            id="filter-tag"
            name="tag"
            defaultValue={query.tag?.join(", ")}
            placeholder="e.g. pci, linux"
            aria-describedby="filter-tag-hint"
            className={`${inputClass} mt-1`}
          />
          <p id="filter-tag-hint" className="sr-only">
            Comma-separated; a resource must carry every tag.
          </p>
        </div>
        <div>
          <label htmlFor="filter-service" className="block text-xs font-medium text-slate-600">
            Service
          </label>
          <input id="filter-service" name="service" defaultValue={query.service} placeholder="exact name" className={`${inputClass} mt-1`} />
        </div>
        <FilterSelect id="filter-sort" label="Sort" name="sort" value={query.sort} options={Object.entries(SORT_LABELS)} />
        <fieldset className="flex items-end gap-4 pb-2 text-sm lg:col-span-2">
          <legend className="sr-only">Patch results</legend>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="never" value="1" defaultChecked={query.never} className="accent-indigo-600" /> Never patched
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="failed" value="1" defaultChecked={query.failed} className="accent-indigo-600" /> Failed last time
          </label>
        </fieldset>
        <fieldset className="flex flex-wrap items-end gap-x-4 gap-y-2 pb-2 text-sm lg:col-span-2">
          <legend className="sr-only">Pending updates</legend>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="security" value="1" defaultChecked={query.security} className="accent-indigo-600" /> Security updates pending
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="reboot" value="1" defaultChecked={query.reboot} className="accent-indigo-600" /> Reboot pending
          </label>
        </fieldset>
      </div>
      <div className="mt-3 flex gap-2">
        <button type="submit" className={buttonClass("primary")}>
          Apply filters
        </button>
        <Link href="/resources" className={buttonClass("ghost")}>
          Clear
        </Link>
      </div>
    </form>
  );
}
