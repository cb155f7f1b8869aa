// Compile-time checks of the public types (tsc --noEmit, run by `npm test`):
// each line fails to compile if the SDK's types degrade to `any` or drift.
import { RedressClient, common, intake, type RedressError } from "../../src/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

export async function checks(client: RedressClient): Promise<void> {
  const reply = await client.intake.submitComplaint({ category: common.ComplaintCategory.WITHDRAWAL });
  assertType<Equal<typeof reply, intake.SubmitComplaintResponse>>();
  for await (const complaint of client.intake.listComplaints({ playerId: "p" })) {
    assertType<Equal<typeof complaint, intake.Complaint>>();
  }
  const page = await client.intake.listComplaintsPage({ pageSize: 2 });
  assertType<Equal<typeof page, intake.ListComplaintsResponse>>();
  // @ts-expect-error: a field the request does not have
  await client.intake.getComplaint({ nmae: "complaints/x" });
  // @ts-expect-error: internal methods are not on the public client
  await client.intake.applyCaseUpdate({});
  const err = {} as RedressError;
  assertType<Equal<typeof err.violations, readonly { readonly field: string; readonly description: string; readonly reason: string }[]>>();
}
