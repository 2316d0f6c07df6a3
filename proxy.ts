// Signed-out visitors of any page go to the sign-in page (pages and the API check again themselves).
import { withAuth } from "next-auth/middleware";

export default withAuth({ pages: { signIn: "/signin" } });

export const config = {
  matcher: ["/((?!api|signin|_next/static|_next/image|favicon.ico|logo.svg).*)"],
};
