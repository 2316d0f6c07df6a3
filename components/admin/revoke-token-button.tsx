"use client";

import { revokeApiTokenAction } from "@/lib/actions/api-tokens";
import { RevokeButton } from "../ui/revoke-button";

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  return <RevokeButton action={revokeApiTokenAction} id={id} label={name} />;
}
