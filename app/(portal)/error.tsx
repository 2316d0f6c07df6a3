"use client";

import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function PortalError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <EmptyState title="This page could not be loaded" action={<Button onClick={reset}>Try again</Button>}>
      Something went wrong on our side; it has been logged. If it keeps happening, tell your PatchParty admins.
    </EmptyState>
  );
}
